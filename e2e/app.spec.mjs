// End-to-end journeys through the release build in Chromium: the study talk's demo (play,
// checkpoints, TaskManager 2 fails, recovery, duplicate alarms), the language switch, bad URL
// input, and the performance figures (printed, not asserted as timings).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import {
  openApp, click, waitForTestId, textOf, expectText, waitUntil, assert, byTestId,
} from './lib.mjs';

export const timeoutMs = 180_000;

const distDir = path.resolve(process.env.E2E_DIST || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist'));

async function selectSpeed(page, speed) {
  await byTestId(page, 'speed').selectOption(String(speed));
}

async function numberOf(page, testid) {
  const text = await textOf(page, testid);
  return text == null ? NaN : Number(text.replace(/[^0-9]/g, ''));
}

/** Rows of the checkpoint history with their status text. */
async function historyRows(page) {
  return page.locator('[data-testid^="cp-row-"]').evaluateAll((rows) =>
    rows.map((row) => ({ id: row.getAttribute('data-testid').slice('cp-row-'.length), text: row.textContent })));
}

/** The p95 of requestAnimationFrame intervals over `ms` milliseconds. */
async function frameP95(page, ms) {
  return page.evaluate((duration) => new Promise((resolve) => {
    const deltas = [];
    let last = null;
    const end = performance.now() + duration;
    const frame = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else {
        deltas.sort((a, b) => a - b);
        resolve({ p95: deltas[Math.floor(deltas.length * 0.95)], frames: deltas.length });
      }
    };
    requestAnimationFrame(frame);
  }), ms);
}

export const tests = {
  'TaskManager 2 fails and the job recovers from the latest checkpoint': async ({ page, baseUrl, screenshot }) => {
    await openApp(page, baseUrl, { seed: 3 });
    await waitForTestId(page, 'tm-1', 15_000);
    await expectText(page, 'job-state', (t) => t === 'RUNNING');
    await selectSpeed(page, 1000);
    await click(page, 'btn-play');
    await click(page, 'tab-checkpoints');
    await click(page, 'cp-tab-history');
    await waitUntil(async () => (await historyRows(page)).filter((r) => /COMPLETED/.test(r.text)).length,
      (n) => n >= 2, { timeout: 30_000, message: 'two completed checkpoints in the history' });
    // Kill TaskManager 2 right after an alarm that follows the latest completed checkpoint, so
    // the replay window holds an alarm the sink will print again: play at 10x, pause, check,
    // and kill while paused (the command applies at the paused instant).
    await selectSpeed(page, 10);
    const alarmAfterCheckpoint = () => page.getByTestId('sink-output').evaluate((out) => {
      const checkpoint = Number(out.dataset.lastCheckpointMs || NaN);
      const times = [...out.querySelectorAll('.sink-line')].map((l) => Number(l.dataset.timeMs));
      return times.length > 0 && Math.max(...times) > checkpoint;
    });
    for (let attempt = 0; ; attempt += 1) {
      assert(attempt < 200, 'no alarm after a checkpoint in 200 tries');
      await click(page, 'btn-pause');
      if (await alarmAfterCheckpoint()) break;
      await click(page, 'btn-play');
      await page.waitForTimeout(150);
    }
    await click(page, 'kill-tm-2');
    await click(page, 'btn-play');
    await expectText(page, 'job-state', (t) => t === 'RESTARTING', 20_000);
    await screenshot('restarting');
    await selectSpeed(page, 100);
    await expectText(page, 'job-state', (t) => t === 'RUNNING', 60_000);
    const tm2 = byTestId(page, 'tm-2');
    assert((await tm2.getAttribute('data-state')) === 'lost', 'TaskManager 2 is shown dead');
    await click(page, 'cp-tab-overview');
    await waitUntil(() => numberOf(page, 'cp-count-restored'), (n) => n >= 1, { timeout: 30_000, message: 'restored count ≥ 1' });
    await waitUntil(() => page.locator('[data-testid="sink-output"] [data-duplicate="true"]').count(),
      (n) => n >= 1, { timeout: 60_000, message: 'a duplicate alarm marked in the sink output' });
    await click(page, 'btn-pause');
    const completed = await numberOf(page, 'cp-count-completed');
    assert(completed >= 2, `completed ${completed}`);
    console.log(`journey: completed ${completed}, restored ${await numberOf(page, 'cp-count-restored')}, duplicates ${await page.locator('[data-testid="sink-output"] [data-duplicate="true"]').count()}`);
  },

  'switches to Korean and back': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl);
    await waitForTestId(page, 'tm-1', 15_000);
    await byTestId(page, 'lang').selectOption('ko');
    await expectText(page, 'tab-checkpoints', (t) => t === '체크포인트');
    assert((await page.locator('html').getAttribute('lang')) === 'ko', 'html lang is ko');
    await byTestId(page, 'lang').selectOption('en');
    await expectText(page, 'tab-checkpoints', (t) => t === 'Checkpoints');
  },

  'a malformed link shows a message and falls back to defaults': async ({ page, baseUrl }) => {
    await openApp(page, baseUrl, { seed: 'abc', speed: '7', lang: 'xx', bogus: '1' });
    await waitForTestId(page, 'tm-1', 15_000);
    const notice = await textOf(page, 'notice');
    assert(notice && /seed 'abc'/.test(notice) && /speed 7/.test(notice) && /lang 'xx'/.test(notice), `notice: ${notice}`);
    assert((await byTestId(page, 'seed').inputValue()) === '1', 'seed fell back to 1');
    await expectText(page, 'job-state', (t) => t === 'RUNNING');
  },

  'performance figures': async ({ page, baseUrl }) => {
    const files = readdirSync(distDir).filter((f) => /\.(wasm|js|css)$/.test(f));
    const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(distDir, f)), { level: 9 }).length, 0);
    console.log(`bundle: ${(gzip / 1024).toFixed(1)} KiB (${gzip} bytes) gzip -9 over ${files.length} files (wasm + js + css)`);
    await openApp(page, baseUrl);
    await waitForTestId(page, 'tm-1', 15_000);
    const firstRender = await page.evaluate(() => performance.now());
    console.log(`first rendered cluster: ${firstRender.toFixed(0)} ms after navigation start`);
    await click(page, 'btn-play');
    for (const speed of [1, 100]) {
      await selectSpeed(page, speed);
      await page.waitForTimeout(500);
      const { p95, frames } = await frameP95(page, 4_000);
      console.log(`frame time at ${speed}x (overview tab): p95 ${p95.toFixed(1)} ms over ${frames} frames`);
    }
    for (const tab of ['checkpoints', 'state', 'log', 'exceptions', 'configuration']) {
      await click(page, `tab-${tab}`);
      await page.waitForTimeout(500);
      const { p95, frames } = await frameP95(page, 3_000);
      console.log(`frame time at 100x on the ${tab} tab: p95 ${p95.toFixed(1)} ms over ${frames} frames`);
    }
    assert(gzip > 0, 'the bundle exists');
  },
};

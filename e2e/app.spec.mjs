// End-to-end journeys through the release build in Chromium: the study talk's demo (play,
// checkpoints, TaskManager 2 fails, recovery, duplicate alarms), the language switch and its
// fetched Korean texts, bad URL
// input, and the performance figures (printed, not asserted as timings).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, expect, openApp, textOf, numberOf, defaultAllowedConsoleErrors } from './fixtures.mjs';
import { distDir } from './paths.mjs';

test.describe.configure({ timeout: 180_000 });

async function selectSpeed(page, speed) {
  await page.getByTestId('speed').selectOption(String(speed));
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

test('TaskManager 2 fails and the job recovers from the latest checkpoint', async ({ page, takeScreenshot }) => {
  await openApp(page, { seed: 3 });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('job-state')).toHaveText('RUNNING');
  await selectSpeed(page, 1000);
  await page.getByTestId('btn-play').click();
  await page.getByTestId('tab-checkpoints').click();
  await page.getByTestId('cp-tab-history').click();
  await expect.poll(async () => (await historyRows(page)).filter((r) => /COMPLETED/.test(r.text)).length,
    { timeout: 30_000, message: 'two completed checkpoints in the history' }).toBeGreaterThanOrEqual(2);
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
    expect(attempt, 'no alarm after a checkpoint in 200 tries').toBeLessThan(200);
    await page.getByTestId('btn-pause').click();
    if (await alarmAfterCheckpoint()) break;
    await page.getByTestId('btn-play').click();
    await page.waitForTimeout(150);
  }
  await page.getByTestId('kill-tm-2').click();
  await page.getByTestId('btn-play').click();
  await expect(page.getByTestId('job-state')).toHaveText('RESTARTING', { timeout: 20_000 });
  await takeScreenshot('restarting');
  await selectSpeed(page, 100);
  await expect(page.getByTestId('job-state')).toHaveText('RUNNING', { timeout: 60_000 });
  expect(await page.getByTestId('tm-2').getAttribute('data-state'), 'TaskManager 2 is shown dead').toBe('lost');
  await page.getByTestId('cp-tab-overview').click();
  await expect.poll(() => numberOf(page, 'cp-count-restored'), { timeout: 30_000, message: 'restored count ≥ 1' })
    .toBeGreaterThanOrEqual(1);
  const duplicates = page.locator('[data-testid="sink-output"] [data-duplicate="true"]');
  await expect.poll(() => duplicates.count(), { timeout: 60_000, message: 'a duplicate alarm marked in the sink output' })
    .toBeGreaterThanOrEqual(1);
  await page.getByTestId('btn-pause').click();
  const completed = await numberOf(page, 'cp-count-completed');
  expect(completed, `completed ${completed}`).toBeGreaterThanOrEqual(2);
  console.log(`journey: completed ${completed}, restored ${await numberOf(page, 'cp-count-restored')}, duplicates ${await duplicates.count()}`);
});

test('switches to Korean and back', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('lang').selectOption('ko');
  await expect(page.getByTestId('tab-checkpoints')).toHaveText('체크포인트');
  expect(await page.locator('html').getAttribute('lang'), 'html lang is ko').toBe('ko');
  await page.getByTestId('lang').selectOption('en');
  await expect(page.getByTestId('tab-checkpoints')).toHaveText('Checkpoints');
});

test.describe('the Korean texts', () => {
  // The refused fetch below is logged by the browser; that one error is expected.
  // (An array value in test.use is read as [value, options].)
  test.use({ allowConsoleErrors: [[...defaultAllowedConsoleErrors, /404 \(Not Found\) \(http:\/\/[^)]*\/i18n\/ko\.tsv\)/], { option: true }] });

  test('the Korean texts are fetched once on choosing Korean; a failed fetch keeps English and says why', async ({ page }) => {
    const fetched = [];
    page.on('request', (request) => { if (request.url().includes('i18n/ko.tsv')) fetched.push(request.url()); });
    await openApp(page, { lang: 'ko' });
    await expect(page.getByTestId('tab-checkpoints')).toHaveText('체크포인트', { timeout: 15_000 });
    await page.getByTestId('lang').selectOption('en');
    await page.getByTestId('lang').selectOption('ko');
    await expect(page.getByTestId('tab-checkpoints')).toHaveText('체크포인트');
    expect(fetched.length, 'one fetch of the catalog').toBe(1);

    const refused = await page.context().newPage();
    await refused.route('**/i18n/ko.tsv', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await openApp(refused, { lang: 'ko' });
    await expect(refused.getByTestId('notice')).toContainText('The Korean texts could not be loaded', { timeout: 15_000 });
    await expect(refused.getByTestId('notice')).toContainText('HTTP 404');
    await expect(refused.getByTestId('tab-checkpoints')).toHaveText('Checkpoints');
    await refused.close();
  });
});

test('a malformed link shows a message and falls back to defaults', async ({ page }) => {
  await openApp(page, { seed: 'abc', speed: '7', lang: 'xx', bogus: '1' });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  const notice = await textOf(page, 'notice');
  expect(notice, 'the notice names the bad seed').toMatch(/seed 'abc'/);
  expect(notice, 'the notice names the bad speed').toMatch(/speed 7/);
  expect(notice, 'the notice names the bad language').toMatch(/lang 'xx'/);
  expect(await page.getByTestId('seed').inputValue(), 'seed fell back to 1').toBe('1');
  await expect(page.getByTestId('job-state')).toHaveText('RUNNING');
});

test('scale figures: p = 32 on 8 TaskManagers, p = 128 on 32, and RocksDB with 100,000 keys, at 100x', async ({ page }) => {
  const scales = [
    ['p = 32, 8 TaskManagers x 4 slots', { 'c.parallelism.default': 32, 'c.simulation.taskmanagers': 8, 'c.taskmanager.numberOfTaskSlots': 4 }, 'tm-8'],
    ['p = 128, 32 TaskManagers x 4 slots', { 'c.parallelism.default': 128, 'c.simulation.taskmanagers': 32, 'c.taskmanager.numberOfTaskSlots': 4 }, 'tm-32'],
    ['RocksDB incremental, 100,000 keys', { 'c.state.backend.type': 'rocksdb', 'c.execution.checkpointing.incremental': 'true', 'c.simulation.state.keys': 100000 }, 'tm-3'],
  ];
  for (const [label, options, last] of scales) {
    await openApp(page, { seed: 1, ...options });
    await expect(page.getByTestId(last)).toBeVisible({ timeout: 30_000 });
    expect(await textOf(page, 'notice'), `${label}: the link's options are accepted`).toBeNull();
    await page.getByTestId('btn-play').click();
    await selectSpeed(page, 100);
    await page.getByTestId('tab-checkpoints').click();
    await expect.poll(() => numberOf(page, 'cp-count-completed'), { timeout: 60_000, message: `${label}: checkpoints complete` })
      .toBeGreaterThanOrEqual(1);
    for (const tab of ['overview', 'checkpoints', 'state']) {
      await page.getByTestId(`tab-${tab}`).click();
      await page.waitForTimeout(500);
      const { p95, frames } = await frameP95(page, 4_000);
      console.log(`scale: ${label}: frame time at 100x on the ${tab} tab: p95 ${p95.toFixed(1)} ms over ${frames} frames`);
    }
    await page.getByTestId('btn-pause').click();
  }
});

test('performance figures', async ({ page }) => {
  const files = readdirSync(distDir).filter((f) => /\.(wasm|js|css)$/.test(f));
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(distDir, f)), { level: 9 }).length, 0);
  console.log(`bundle: ${(gzip / 1024).toFixed(1)} KiB (${gzip} bytes) gzip -9 over ${files.length} files (wasm + js + css)`);
  await openApp(page);
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  const firstRender = await page.evaluate(() => performance.now());
  console.log(`first rendered cluster: ${firstRender.toFixed(0)} ms after navigation start`);
  await page.getByTestId('btn-play').click();
  for (const speed of [1, 100]) {
    await selectSpeed(page, speed);
    await page.waitForTimeout(500);
    const { p95, frames } = await frameP95(page, 4_000);
    console.log(`frame time at ${speed}x (overview tab): p95 ${p95.toFixed(1)} ms over ${frames} frames`);
  }
  for (const tab of ['checkpoints', 'state', 'log', 'exceptions', 'configuration']) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(500);
    const { p95, frames } = await frameP95(page, 3_000);
    console.log(`frame time at 100x on the ${tab} tab: p95 ${p95.toFixed(1)} ms over ${frames} frames`);
  }
  // This round's budget: 400 KiB gzip for wasm, JS glue and CSS together.
  expect(gzip, 'the bundle fits the 400 KiB budget').toBeLessThanOrEqual(400 * 1024);
});

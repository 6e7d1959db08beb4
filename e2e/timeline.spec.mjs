// Time travel, shareable links, the determinism check, and the seek performance figures.
import {
  openApp, click, waitForTestId, textOf, expectText, waitUntil, assert, assertEqual, byTestId,
} from './lib.mjs';

export const timeoutMs = 240_000;

/** The history table's rows as text (the Checkpoints tab, History sub-tab). */
async function history(page) {
  await click(page, 'tab-checkpoints');
  await click(page, 'cp-tab-history');
  return page.locator('[data-testid^="cp-row-"]').evaluateAll((rows) => rows.map((r) => r.textContent.trim()));
}

/** Moves the scrubber to `ms` as a user dragging it would. */
async function seek(page, ms) {
  await byTestId(page, 'timeline').evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
  await expectText(page, 'sim-time', (t) => t === String(ms));
}

async function openAt(page, baseUrl, query) {
  await page.goto(`${baseUrl}?${query}`, { waitUntil: 'load' });
  await waitForTestId(page, 'tm-1', 30_000);
}

export const tests = {
  'a shared link reproduces the same history twice': async ({ page, baseUrl, context }) => {
    const query = 'seed=9&cmds=k2@45s,r2@80s&t=120s';
    await openAt(page, baseUrl, query);
    assertEqual(await textOf(page, 'sim-time'), '120000', 'the cursor of the link');
    const first = await history(page);
    const hash = await textOf(page, 'trace-hash');
    assert(first.length >= 5, `history rows: ${first.length}`);
    const other = await context.newPage();
    await openAt(other, baseUrl, query);
    assertEqual(JSON.stringify(await history(other)), JSON.stringify(first), 'identical history tables');
    assertEqual(await textOf(other, 'trace-hash'), hash, 'identical trace hash');
    await other.close();
  },

  'seeking back and forth shows each moment exactly': async ({ page, baseUrl }) => {
    await openAt(page, baseUrl, 'seed=5&t=200s');
    const at200 = await history(page);
    await seek(page, 100_000);
    const at100 = await history(page);
    assert(JSON.stringify(at100) !== JSON.stringify(at200), 'the past has a shorter history');
    await seek(page, 200_000);
    assertEqual(JSON.stringify(await history(page)), JSON.stringify(at200), 'back at 200 s');
    await seek(page, 100_000);
    assertEqual(JSON.stringify(await history(page)), JSON.stringify(at100), 'again at 100 s');
  },

  'killing a TaskManager in the past forks the timeline': async ({ page, baseUrl }) => {
    await openAt(page, baseUrl, 'seed=5&cmds=k3@150s&t=200s');
    await seek(page, 60_000);
    await click(page, 'kill-tm-2');
    await click(page, 'btn-share');
    const link = await byTestId(page, 'share-url').inputValue();
    assert(/cmds=k2@60000ms(&|$)/.test(link), `the future was replaced: ${link}`);
    assert(!/k3@150000ms/.test(link), `the old future is gone: ${link}`);
    await byTestId(page, 'speed').selectOption('100');
    await click(page, 'btn-play');
    await expectText(page, 'job-state', (t) => t === 'RESTARTING', 20_000);
    assertEqual(await byTestId(page, 'tm-3').getAttribute('data-state'), 'running', 'TaskManager 3 lives on this timeline');
  },

  'the page replays its run and the trace hashes match': async ({ page, baseUrl }) => {
    await openAt(page, baseUrl, 'seed=11&cmds=k1@30s,x1@50s,x0@70s&t=150s');
    await click(page, 'btn-verify');
    const state = await waitUntil(() => byTestId(page, 'verify-result').getAttribute('data-state'), (s) => s && s !== 'running',
      { timeout: 60_000, message: 'the determinism check to finish' });
    assertEqual(state, 'match', await textOf(page, 'verify-result'));
  },

  'a malformed link gets a message and defaults, not a blank page': async ({ page, baseUrl }) => {
    await openAt(page, baseUrl, 'seed=2&cmds=zz@1s,k9@5s&c.parallelism.default=0&c.execution.checkpointing.interval=soon&t=-5');
    const notice = await textOf(page, 'notice');
    assert(/'zz'/.test(notice) && /parallelism\.default/.test(notice) && /checkpointing\.interval/.test(notice), `notice: ${notice}`);
    await expectText(page, 'job-state', (t) => t === 'RUNNING');
  },

  'seek performance over a one-hour run, snapshot memory, link size': async ({ page, baseUrl }) => {
    const started = Date.now();
    await openAt(page, baseUrl, 'seed=1&t=3600s');
    console.log(`opening a link at 1 h (simulating the hour and taking snapshots): ${Date.now() - started} ms`);
    const times = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid="timeline"]');
      const out = [];
      let x = 12345;
      for (let i = 0; i < 40; i += 1) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const target = x % 3_600_000;
        const start = performance.now();
        input.value = String(target);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((resolve) => requestAnimationFrame(() => resolve()));
        out.push(performance.now() - start);
      }
      return out.sort((a, b) => a - b);
    });
    const p95 = times[Math.floor(times.length * 0.95)];
    console.log(`seek in a 1-hour run: p95 ${p95.toFixed(1)} ms, median ${times[times.length >> 1].toFixed(1)} ms over ${times.length} seeks`);
    console.log(`retained snapshots: ${await page.locator('.snapshots').textContent()}`);
    const faults = Array.from({ length: 10 }, (_, i) => `${i % 2 ? 'r' : 'k'}${(i >> 1) % 3 + 1}@${30 + i * 17}s`).join(',');
    await openAt(page, baseUrl, `seed=42&cmds=${faults}&t=400s`);
    await click(page, 'btn-share');
    const link = await byTestId(page, 'share-url').inputValue();
    console.log(`link for a run with 10 faults: ${link.length} characters (query ${link.split('?')[1].length})`);
  },
};

// Time travel, shareable links, the determinism check, and the seek performance figures.
import { test, expect, textOf } from './fixtures.mjs';

test.describe.configure({ timeout: 240_000 });

/** The history table's rows as text (the Checkpoints tab, History sub-tab). */
async function history(page) {
  await page.getByTestId('tab-checkpoints').click();
  await page.getByTestId('cp-tab-history').click();
  return page.locator('[data-testid^="cp-row-"]').evaluateAll((rows) => rows.map((r) => r.textContent.trim()));
}

/** Moves the scrubber to `ms` as a user dragging it would. */
async function seek(page, ms) {
  await page.getByTestId('timeline').evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
  await expect(page.getByTestId('sim-time')).toHaveText(String(ms));
}

async function openAt(page, query) {
  await page.goto(`/?${query}`, { waitUntil: 'load' });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 30_000 });
}

test('a shared link reproduces the same history twice', async ({ page, context }) => {
  const query = 'seed=9&cmds=k2@45s,r2@80s&t=120s';
  await openAt(page, query);
  expect(await textOf(page, 'sim-time'), 'the cursor of the link').toBe('120000');
  const first = await history(page);
  const hash = await textOf(page, 'trace-hash');
  expect(first.length, `history rows: ${first.length}`).toBeGreaterThanOrEqual(5);
  const other = await context.newPage();
  await openAt(other, query);
  expect(JSON.stringify(await history(other)), 'identical history tables').toBe(JSON.stringify(first));
  expect(await textOf(other, 'trace-hash'), 'identical trace hash').toBe(hash);
  await other.close();
});

test('seeking back and forth shows each moment exactly', async ({ page }) => {
  await openAt(page, 'seed=5&t=200s');
  const at200 = await history(page);
  await seek(page, 100_000);
  const at100 = await history(page);
  expect(JSON.stringify(at100), 'the past has a shorter history').not.toBe(JSON.stringify(at200));
  await seek(page, 200_000);
  expect(JSON.stringify(await history(page)), 'back at 200 s').toBe(JSON.stringify(at200));
  await seek(page, 100_000);
  expect(JSON.stringify(await history(page)), 'again at 100 s').toBe(JSON.stringify(at100));
});

test('killing a TaskManager in the past forks the timeline', async ({ page }) => {
  await openAt(page, 'seed=5&cmds=k3@150s&t=200s');
  await seek(page, 60_000);
  await page.getByTestId('kill-tm-2').click();
  await page.getByTestId('btn-share').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link, 'the future was replaced').toMatch(/cmds=k2@60000ms(&|$)/);
  expect(link, 'the old future is gone').not.toMatch(/k3@150000ms/);
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('btn-play').click();
  await expect(page.getByTestId('job-state')).toHaveText('RESTARTING', { timeout: 20_000 });
  expect(await page.getByTestId('tm-3').getAttribute('data-state'), 'TaskManager 3 lives on this timeline').toBe('running');
});

test('the page replays its run and the trace hashes match', async ({ page }) => {
  await openAt(page, 'seed=11&cmds=k1@30s,x1@50s,x0@70s&t=150s');
  await page.getByTestId('btn-verify').click();
  const result = page.getByTestId('verify-result');
  let state;
  await expect.poll(async () => { state = await result.getAttribute('data-state'); return Boolean(state && state !== 'running'); },
    { timeout: 60_000, message: 'the determinism check to finish' }).toBe(true);
  expect(state, await textOf(page, 'verify-result')).toBe('match');
});

test('a malformed link gets a message and defaults, not a blank page', async ({ page }) => {
  await openAt(page, 'seed=2&cmds=zz@1s,k9@5s&c.parallelism.default=0&c.execution.checkpointing.interval=soon&t=-5');
  const notice = await textOf(page, 'notice');
  expect(notice, 'the notice names the bad command').toMatch(/'zz'/);
  expect(notice, 'the notice names the bad parallelism').toMatch(/parallelism\.default/);
  expect(notice, 'the notice names the bad interval').toMatch(/checkpointing\.interval/);
  await expect(page.getByTestId('job-state')).toHaveText('RUNNING');
});

test('seek performance over a one-hour run, snapshot memory, link size', async ({ page }) => {
  const started = Date.now();
  await openAt(page, 'seed=1&t=3600s');
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
  await openAt(page, `seed=42&cmds=${faults}&t=400s`);
  await page.getByTestId('btn-share').click();
  const link = await page.getByTestId('share-url').inputValue();
  console.log(`link for a run with 10 faults: ${link.length} characters (query ${link.split('?')[1].length})`);
});

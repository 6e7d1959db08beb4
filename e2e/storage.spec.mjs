// Checkpoints persisted in IndexedDB; a reload is a JobManager failover; IndexedDB unavailable.
import { test, expect, openApp, textOf, numberOf, frameP95 } from './fixtures.mjs';

test.describe.configure({ timeout: 240_000 });

/** Keys of the `checkpoints` store and of the `jobs` store of the page's IndexedDB. */
async function storedKeys(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('flinkscope');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('checkpoints')) { db.close(); resolve({ checkpoints: [], jobs: [] }); return; }
      const tx = db.transaction(['checkpoints', 'jobs']);
      const checkpoints = tx.objectStore('checkpoints').getAllKeys();
      const jobs = tx.objectStore('jobs').getAllKeys();
      tx.oncomplete = () => { db.close(); resolve({ checkpoints: checkpoints.result, jobs: jobs.result }); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

const idOf = (key) => Number(key.slice(key.lastIndexOf('chk-') + 4));

async function setOption(page, key, value) {
  await page.getByTestId(`cfg-${key}`).fill(String(value));
}


test('checkpoints land in IndexedDB and a reload resumes from the latest', async ({ page, takeScreenshot }) => {
  await openApp(page, { seed: 5 });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  // Keep 10 checkpoints, so the resume reads 10 records.
  await page.getByTestId('tab-configuration').click();
  await setOption(page, 'execution.checkpointing.num-retained', 10);
  await page.getByTestId('cfg-apply').click();
  await page.getByTestId('speed').selectOption('1000');
  await page.getByTestId('btn-play').click();
  await page.getByTestId('tab-checkpoints').click();
  await expect.poll(() => numberOf(page, 'cp-count-completed'), { timeout: 60_000, message: '12 completed checkpoints' })
    .toBeGreaterThanOrEqual(12);
  await page.getByTestId('btn-pause').click();
  let stored;
  await expect.poll(async () => {
    stored = await storedKeys(page);
    return { checkpoints: stored.checkpoints.length, jobs: stored.jobs.length };
  }, { timeout: 20_000, message: 'IndexedDB holding the 10 retained checkpoints and the job' })
    .toEqual({ checkpoints: 10, jobs: 1 });
  const latest = Math.max(...stored.checkpoints.map(idOf));
  console.log(`IndexedDB holds ${stored.checkpoints.length} checkpoints, latest chk-${latest}`);

  await page.reload({ waitUntil: 'load' });
  await page.getByTestId('btn-resume-latest').click({ timeout: 20_000 });
  await expect(page.getByTestId('job-state')).toHaveText('RUNNING');
  const notice = await textOf(page, 'notice');
  const took = /resumed in ([0-9.]+) ms/.exec(notice || '');
  expect(took, `resume notice: ${notice}`).toBeTruthy();
  console.log(`time to resume with ${stored.checkpoints.length} retained checkpoints: ${took[1]} ms`);
  await page.getByTestId('tab-checkpoints').click();
  await page.getByTestId('cp-tab-overview').click();
  await expect(page.getByTestId('cp-count-restored')).toHaveText('1');
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('btn-play').click();
  await page.getByTestId('cp-tab-history').click();
  const rowIds = () => page.locator('[data-testid^="cp-row-"]')
    .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid').slice(7))));
  let next;
  await expect.poll(async () => { next = await rowIds(); return next.some((id) => id > latest); },
    { timeout: 60_000, message: 'a checkpoint after the restored one' }).toBe(true);
  expect(Math.min(...next.filter((id) => id > latest)) === latest + 1 || next.every((id) => id > latest),
    `ids continue after chk-${latest}: ${next}`).toBe(true);
  await takeScreenshot('resumed');
});

test('writing a checkpoint every simulated second at 100x keeps frames smooth', async ({ page }) => {
  // Count the page's read-write IndexedDB transactions (the write-behind mirror batches).
  await page.addInitScript(() => {
    window.__idbWrites = 0;
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
      if (mode === 'readwrite') window.__idbWrites += 1;
      return transaction.call(this, stores, mode, ...rest);
    };
  });
  await openApp(page, { seed: 2 });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('tab-configuration').click();
  await setOption(page, 'execution.checkpointing.interval', '1 s');
  await setOption(page, 'execution.checkpointing.min-pause', '0 ms');
  await page.getByTestId('cfg-apply').click();
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('btn-play').click();
  await page.waitForTimeout(1_000);
  const p95 = await frameP95(page, 5_000);
  // How far the stored set trails the engine: pause, then read IndexedDB at once (before the
  // write-behind queue drains) and the engine's latest completed checkpoint.
  await page.getByTestId('btn-pause').click();
  const keys = await storedKeys(page);
  const writes = await page.evaluate(() => window.__idbWrites);
  await page.getByTestId('tab-checkpoints').click();
  const engineLatest = await numberOf(page, 'cp-latest-completed-id');
  const storedLatest = Math.max(0, ...keys.checkpoints.map(idOf));
  console.log(`frame time p95 at 100x with a checkpoint written every simulated second: ${p95.toFixed(1)} ms (at pause IndexedDB held ${keys.checkpoints.length} checkpoint(s), latest chk-${storedLatest}; the engine's latest chk-${engineLatest}; ${writes} read-write transactions for ${engineLatest} checkpoints)`);
  expect(keys.checkpoints.length, 'checkpoints were written').toBeGreaterThanOrEqual(1);
  expect(storedLatest, 'IndexedDB never holds a checkpoint the engine has not completed').toBeLessThanOrEqual(engineLatest);
  await expect.poll(async () => (await storedKeys(page)).checkpoints.map(idOf),
    { timeout: 10_000, message: 'once paused, IndexedDB holds exactly the retained checkpoint' })
    .toEqual([engineLatest]);
});

test('IndexedDB unavailable: a notice, and the job keeps working in memory', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new Error('IndexedDB disabled for this test'); } });
  });
  await openApp(page, { seed: 3, speed: 1000, autoplay: 1 });
  await expect(page.getByTestId('storage-notice')).toBeVisible({ timeout: 15_000 });
  const notice = await textOf(page, 'storage-notice');
  expect(notice, 'the notice says the checkpoints stay in memory').toMatch(/memory/i);
  expect(notice, 'the notice names IndexedDB').toMatch(/IndexedDB/);
  await page.getByTestId('tab-checkpoints').click();
  await expect.poll(() => numberOf(page, 'cp-count-completed'), { timeout: 60_000, message: 'checkpoints complete in memory' })
    .toBeGreaterThanOrEqual(3);
});

test('a savepoint by button: in the history, in IndexedDB and the savepoint directory; stop with savepoint finishes the job', async ({ page, takeScreenshot }) => {
  await openApp(page, { seed: 3 });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('speed').selectOption('100');
  await page.getByTestId('btn-play').click();
  await page.getByTestId('tab-checkpoints').click();
  await expect.poll(() => numberOf(page, 'cp-count-completed'), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId('trigger-savepoint').click();
  await expect(page.getByTestId('jm-latest-savepoint')).toContainText('file:/tmp/flink-savepoints/savepoint-', { timeout: 30_000 });
  await page.getByTestId('btn-pause').click();
  const latest = await textOf(page, 'jm-latest-savepoint');
  const id = Number(/chk-(\d+)/.exec(latest)[1]);
  await page.getByTestId('cp-tab-history').click();
  await page.getByTestId(`cp-row-${id}`).locator('button.dash-expand').click();
  await expect(page.getByTestId('cp-history')).toContainText(/Checkpoint Type:?\s*savepoint/);
  await expect(page.getByTestId('cp-history')).toContainText('file:/tmp/flink-savepoints/savepoint-');
  let stored;
  await expect.poll(async () => {
    stored = await storedKeys(page);
    return stored.checkpoints.some((key) => idOf(key) === id);
  }, { timeout: 20_000, message: 'the savepoint in IndexedDB' }).toBe(true);
  await page.getByTestId('tab-state').click();
  const savepoints = page.getByTestId('sb-savepoints');
  await expect(savepoints).toContainText('file:///tmp/flink-savepoints/');
  await expect(savepoints.locator(`[data-testid="storage-entry"][data-checkpoint-id="${id}"] .sb-name`)).toHaveText(/^savepoint-[0-9a-f]{6}-[0-9a-f]{12}\/$/);
  await takeScreenshot('savepoint-in-storage');

  await page.getByTestId('btn-play').click();
  await page.getByTestId('stop-with-savepoint-native').click();
  await expect(page.getByTestId('job-state')).toHaveText('FINISHED', { timeout: 30_000 });
  await expect(page.getByTestId('trigger-savepoint')).toBeDisabled();
  await expect(page.getByTestId('sb-savepoints').getByTestId('storage-entry')).toHaveCount(2);
  // Stopping deleted the job's checkpoints; its savepoints stay.
  await expect(page.locator('.sb-job.sb-current > .sb-tree > [data-testid="storage-entry"]')).toHaveCount(0);
  console.log(`savepoint: chk-${id}, then stop-with-savepoint FINISHED the job`);
});

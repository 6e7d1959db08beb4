// Checkpoints persisted in IndexedDB; a reload is a JobManager failover; IndexedDB unavailable.
import {
  openApp, click, waitForTestId, textOf, expectText, waitUntil, assert, byTestId,
} from './lib.mjs';

export const timeoutMs = 240_000;

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

async function numberOf(page, testid) {
  const text = await textOf(page, testid);
  return text == null ? NaN : Number(text.replace(/[^0-9]/g, ''));
}

async function setOption(page, key, value) {
  const input = byTestId(page, `cfg-${key}`);
  await input.fill(String(value));
}

/** p95 of requestAnimationFrame intervals over `ms`. */
async function frameP95(page, ms) {
  return page.evaluate((duration) => new Promise((resolve) => {
    const deltas = []; let last = null; const end = performance.now() + duration;
    const frame = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else { deltas.sort((a, b) => a - b); resolve(deltas[Math.floor(deltas.length * 0.95)]); }
    };
    requestAnimationFrame(frame);
  }), ms);
}

export const tests = {
  'checkpoints land in IndexedDB and a reload resumes from the latest': async ({ page, baseUrl, screenshot }) => {
    await openApp(page, baseUrl, { seed: 5 });
    await waitForTestId(page, 'tm-1', 15_000);
    // Keep 10 checkpoints, so the resume reads 10 records.
    await click(page, 'tab-configuration');
    await setOption(page, 'execution.checkpointing.num-retained', 10);
    await click(page, 'cfg-apply');
    await byTestId(page, 'speed').selectOption('1000');
    await click(page, 'btn-play');
    await click(page, 'tab-checkpoints');
    await waitUntil(() => numberOf(page, 'cp-count-completed'), (n) => n >= 12, { timeout: 60_000, message: '12 completed checkpoints' });
    await click(page, 'btn-pause');
    const stored = await waitUntil(() => storedKeys(page), (k) => k.checkpoints.length === 10 && k.jobs.length === 1,
      { timeout: 20_000, message: 'IndexedDB holding the 10 retained checkpoints and the job' });
    const latest = Math.max(...stored.checkpoints.map(idOf));
    console.log(`IndexedDB holds ${stored.checkpoints.length} checkpoints, latest chk-${latest}`);

    await page.reload({ waitUntil: 'load' });
    await click(page, 'btn-resume-latest', 20_000);
    await expectText(page, 'job-state', (t) => t === 'RUNNING');
    const notice = await textOf(page, 'notice');
    const took = /resumed in ([0-9.]+) ms/.exec(notice || '');
    assert(took, `resume notice: ${notice}`);
    console.log(`time to resume with ${stored.checkpoints.length} retained checkpoints: ${took[1]} ms`);
    await click(page, 'tab-checkpoints');
    await click(page, 'cp-tab-overview');
    await expectText(page, 'cp-count-restored', (t) => t === '1');
    await byTestId(page, 'speed').selectOption('100');
    await click(page, 'btn-play');
    await click(page, 'cp-tab-history');
    const next = await waitUntil(
      () => page.locator('[data-testid^="cp-row-"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid').slice(7)))),
      (ids) => ids.some((id) => id > latest), { timeout: 60_000, message: 'a checkpoint after the restored one' });
    assert(Math.min(...next.filter((id) => id > latest)) === latest + 1 || next.every((id) => id > latest),
      `ids continue after chk-${latest}: ${next}`);
    await screenshot('resumed');
  },

  'writing a checkpoint every simulated second at 100x keeps frames smooth': async ({ page, baseUrl }) => {
    // Count the page's read-write IndexedDB transactions (the write-behind mirror batches).
    await page.addInitScript(() => {
      window.__idbWrites = 0;
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
        if (mode === 'readwrite') window.__idbWrites += 1;
        return transaction.call(this, stores, mode, ...rest);
      };
    });
    await openApp(page, baseUrl, { seed: 2 });
    await waitForTestId(page, 'tm-1', 15_000);
    await click(page, 'tab-configuration');
    await setOption(page, 'execution.checkpointing.interval', '1 s');
    await setOption(page, 'execution.checkpointing.min-pause', '0 ms');
    await click(page, 'cfg-apply');
    await byTestId(page, 'speed').selectOption('100');
    await click(page, 'btn-play');
    await page.waitForTimeout(1_000);
    const p95 = await frameP95(page, 5_000);
    // How far the stored set trails the engine: pause, then read IndexedDB at once (before the
    // write-behind queue drains) and the engine's latest completed checkpoint.
    await click(page, 'btn-pause');
    const keys = await storedKeys(page);
    const writes = await page.evaluate(() => window.__idbWrites);
    await click(page, 'tab-checkpoints');
    const engineLatest = await numberOf(page, 'cp-latest-completed-id');
    const storedLatest = Math.max(0, ...keys.checkpoints.map(idOf));
    console.log(`frame time p95 at 100x with a checkpoint written every simulated second: ${p95.toFixed(1)} ms (at pause IndexedDB held ${keys.checkpoints.length} checkpoint(s), latest chk-${storedLatest}; the engine's latest chk-${engineLatest}; ${writes} read-write transactions for ${engineLatest} checkpoints)`);
    assert(keys.checkpoints.length >= 1, 'checkpoints were written');
    assert(storedLatest <= engineLatest, 'IndexedDB never holds a checkpoint the engine has not completed');
    await waitUntil(async () => (await storedKeys(page)).checkpoints.map(idOf), (ids) => ids.length === 1 && ids[0] === engineLatest,
      { timeout: 10_000, message: 'once paused, IndexedDB holds exactly the retained checkpoint' });
  },

  'IndexedDB unavailable: a notice, and the job keeps working in memory': async ({ page, baseUrl }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { configurable: true, get() { throw new Error('IndexedDB disabled for this test'); } });
    });
    await openApp(page, baseUrl, { seed: 3, speed: 1000, autoplay: 1 });
    await waitForTestId(page, 'storage-notice', 15_000);
    const notice = await textOf(page, 'storage-notice');
    assert(/memory/i.test(notice) && /IndexedDB/.test(notice), `notice: ${notice}`);
    await click(page, 'tab-checkpoints');
    await waitUntil(() => numberOf(page, 'cp-count-completed'), (n) => n >= 3, { timeout: 60_000, message: 'checkpoints complete in memory' });
  },
};

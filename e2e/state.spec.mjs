// State backends end to end: a RocksDB run with incremental checkpoints at 100,000 keys,
// reached by a link. The Checkpoints history shows both sizes (checkpointed below full after the
// first checkpoint), the State & storage tab each keyed subtask's memtable and levels and
// shared/ as a files × checkpoints matrix; no serious axe finding on either view.
import { test, expect, seriousAxe } from './fixtures.mjs';

test.describe.configure({ timeout: 300_000 });


const ROCKSDB = 'seed=3&c.state.backend.type=rocksdb&c.execution.checkpointing.incremental=true'
  + '&c.simulation.state.keys=100000&c.simulation.state.bytes-per-key=100'
  + '&c.simulation.source.interval=5ms&c.execution.checkpointing.num-retained=3&t=75s';

test('RocksDB incremental: both sizes in the history, levels and the shared/ matrix', async ({ page, takeScreenshot }) => {
  await page.goto(`/?${ROCKSDB}`, { waitUntil: 'load' });
  await expect(page.getByTestId('tm-1')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('sim-time')).toHaveText('75000', { timeout: 60_000 });
  await page.getByTestId('tab-checkpoints').click();
  await page.getByTestId('cp-tab-history').click();
  const rows = await page.locator('[data-testid^="cp-row-"]').evaluateAll((rs) => rs.map((r) => ({
    id: Number(r.getAttribute('data-testid').slice('cp-row-'.length)),
    checkpointed: Number(r.getAttribute('data-checkpointed')),
    full: Number(r.getAttribute('data-full')),
  })));
  console.log(`state: history ${JSON.stringify(rows)}`);
  const first = rows.find((r) => r.id === 1);
  expect(first.checkpointed, 'the first checkpoint uploads everything').toBe(first.full);
  expect(rows.filter((r) => r.id > 1 && r.checkpointed * 10 < r.full).length, 'later ones upload a delta').toBeGreaterThan(2);
  await expect(page.getByTestId('cp-size-help')).toContainText('Full Checkpoint Data Size is the whole state');
  expect(await seriousAxe(page, 'checkpoint history (RocksDB)'), 'no serious axe finding').toEqual([]);
  await page.getByTestId('tab-state').click();
  await expect(page.getByTestId('st-backend')).toHaveCount(3);
  await expect(page.getByTestId('st-backend').first()).toHaveAttribute('data-backend', 'rocksdb');
  const matrix = page.getByTestId('sb-shared-matrix');
  await expect(matrix).toBeVisible();
  const files = await matrix.getByTestId('sb-shared-file').count();
  console.log(`state: shared/ holds ${files} files at 75 s`);
  expect(files).toBeGreaterThan(0);
  await expect(matrix.locator('[data-refs="3"]').first(), 'a file all three retained checkpoints refer to').toBeVisible();
  await takeScreenshot('rocksdb-state-and-storage');
  expect(await seriousAxe(page, 'state & storage (RocksDB)'), 'no serious axe finding').toEqual([]);
});

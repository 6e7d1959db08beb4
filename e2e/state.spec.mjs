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

// Restore into a changed job: the Configuration tab's "Start from" picks the savepoint of the
// running job, parallelism 4 rescales it; the new job says where it came from, the state tab
// which key groups moved, and the share link carries the earlier run (from=) so it reopens as
// the same job.
test('restore into a changed job: a savepoint, parallelism 3 → 4, key groups moving, a link with from=', async ({ page, takeScreenshot }) => {
  await page.goto('/?seed=4&cmds=p@25s&t=40s', { waitUntil: 'load' });
  await expect(page.getByTestId('sim-time')).toHaveText('40000', { timeout: 60_000 });
  await page.getByTestId('tab-configuration').click();
  const source = page.getByTestId('cfg-execution.state-recovery.path');
  const options = await source.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  console.log(`restore: Start from offers ${JSON.stringify(options)}`);
  const savepoint = options.find(([, label]) => label.endsWith(' · savepoint'));
  expect(savepoint, 'the savepoint is offered').toBeTruthy();
  await source.selectOption(savepoint[0]);
  await expect(page.getByTestId('cfg-execution.state-recovery.claim-mode')).toHaveValue('NO_CLAIM');
  await page.getByTestId('cfg-parallelism.default').fill('4');
  await expect(page.getByTestId('cfg-apply')).toHaveText('Start the new job from the snapshot');
  expect(await seriousAxe(page, 'configuration with restore options'), 'no serious axe finding').toEqual([]);
  await page.getByTestId('cfg-apply').click();
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(`started from savepoint`);
  await expect(notice).toContainText('rescaled: parallelism 3 → 4');
  const [, newJob, oldJob] = (await notice.textContent()).match(/job ([0-9a-f]{32}) started from savepoint \S+ of job ([0-9a-f]{32})/);
  expect(newJob, 'a new job id').not.toBe(oldJob);
  const startedFrom = page.getByTestId('jm-started-from');
  await expect(startedFrom).toContainText(`savepoint-${oldJob.slice(0, 6)}-`);
  await expect(startedFrom).toContainText(`of job ${oldJob} (NO_CLAIM)`);
  await page.getByTestId('btn-play').click();
  await expect.poll(async () => Number(await page.getByTestId('sim-time').textContent()), { timeout: 60_000 })
    .toBeGreaterThan(15_000);
  await page.getByTestId('btn-pause').click();
  await page.getByTestId('tab-state').click();
  const rescale = page.getByTestId('st-rescale');
  await expect(rescale).toContainText('Rescaled from parallelism 3 to 4');
  const moves = await rescale.getByTestId('st-move').evaluateAll((rs) => rs.map((r) => ({
    from: Number(r.dataset.from), to: Number(r.dataset.to), keys: Number(r.dataset.keys),
  })));
  console.log(`restore: key-group moves ${JSON.stringify(moves)}`);
  expect(new Set(moves.map((m) => m.to)).size, 'every new subtask takes a range').toBe(4);
  expect(moves.some((m) => m.from !== m.to), 'some key groups change subtask').toBe(true);
  // The key-group bar itself: both rows, the spans that changed subtask, the moved keys.
  const bar = page.getByTestId('st-bar');
  expect(await bar.locator('g[class^="st-r"] rect').count(), 'a row of 3 ranges above a row of 4').toBe(7);
  const spans = await bar.getByTestId('st-bar-move').evaluateAll((gs) => gs.map((g) => ({
    from: Number(g.dataset.from), to: Number(g.dataset.to), first: Number(g.dataset.first), last: Number(g.dataset.last),
  })));
  console.log(`restore: moved spans on the bar ${JSON.stringify(spans)}`);
  const owner = (p, kg) => Math.floor((kg * p) / 128);
  const changed = [...Array(128).keys()].filter((kg) => owner(3, kg) !== owner(4, kg));
  expect(spans.flatMap((m) => [...Array(m.last - m.first + 1).keys()].map((i) => m.first + i)), 'the outlined spans are the key groups that changed subtask')
    .toEqual(changed);
  for (const m of spans) expect([m.from, m.to]).toEqual([owner(3, m.first), owner(4, m.first)]);
  await expect(bar.locator('.st-keymark-moved').first(), 'a moved key is marked with its old and new subtask').toContainText(/#\d→#\d/);
  expect(await seriousAxe(page, 'state after a rescale'), 'no serious axe finding').toEqual([]);
  await takeScreenshot('restore-rescaled-state');
  // The link reopens the restored job at the same instant.
  const now = await page.getByTestId('sim-time').textContent();
  const startedText = await startedFrom.textContent();
  await page.getByTestId('btn-share').click();
  const shared = await page.getByTestId('share-url').inputValue();
  expect(shared, 'the link carries the earlier run').toContain('from=');
  await page.goto(shared.slice(shared.indexOf('/?')), { waitUntil: 'load' });
  await expect(page.getByTestId('sim-time')).toHaveText(now, { timeout: 60_000 });
  await expect(page.getByTestId('jm-started-from'), 'the same restored job').toHaveText(startedText);
});

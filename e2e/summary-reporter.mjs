// A Playwright reporter that prints one closing line, `N passed, M failed` (`, K skipped` when
// some were), after every other reporter: the plain summary line CI reads. A test counts as
// failed when its outcome is unexpected (failed, timed out, interrupted) or flaky; an error outside
// any test (a spec that does not load, a failing global setup) counts as one failed test, as with
// the runner this replaced; tests that never ran then count as skipped. Playwright's exit status
// is nonzero on any failure or error.
export default class SummaryReporter {
  constructor() {
    this.errors = 0;
    this.suite = null;
  }

  printsToStdio() {
    return true;
  }

  onBegin(config, suite) {
    this.suite = suite;
  }

  onError() {
    this.errors += 1;
  }

  onEnd() {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.suite ? this.suite.allTests() : []) {
      const outcome = test.outcome();
      if (outcome === 'expected') passed += 1;
      else if (outcome === 'skipped') skipped += 1;
      else failed += 1;
    }
    failed += this.errors;
    process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}

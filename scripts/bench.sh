#!/usr/bin/env bash
# Run the engine benchmarks natively: the `bench` subcommand of the command-line runner.
# Extra arguments go to the subcommand, e.g. `scripts/bench.sh --help`.
# It needs only cargo (no browser, trunk or npm tooling), so it does not run scripts/setup.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec cargo run --release --bin flinkscope -- bench "$@"

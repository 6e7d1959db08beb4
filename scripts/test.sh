#!/usr/bin/env bash
# Run every test layer, in order, stopping at the first layer that fails:
#   fmt     cargo fmt --check
#   clippy  cargo clippy -D warnings, natively and for wasm32 (all targets)
#   native  cargo test --profile test-native      (unit, app, scenario, determinism, swarm, property)
#   wasm    cargo test --target wasm32-unknown-unknown --release --tests   (headless Chromium)
#   e2e     trunk build --release, then @playwright/test against dist/ (e2e/playwright.config.mjs:
#           the journeys, storage, time travel and axe-core accessibility specs)
#   live    (only when named) a real Flink 2.3.0 cluster: javac over the editor's Java, then the
#           study job against the runner (scripts/live-differential.py; installs OpenJDK 17 and
#           Flink if missing; about 2 minutes after the first install)
# Installs anything missing first (scripts/setup.sh). Prints one summary line per layer and exits
# nonzero if any layer failed.
#
# Usage: scripts/test.sh [LAYER...]     e.g. `scripts/test.sh fmt clippy` (default: all layers)
# Environment: SIM_SEEDS etc. pass through to the tests; WASM_BINDGEN_TEST_TIMEOUT (seconds,
# default here 300) bounds one browser test binary; SETUP_SKIP_* are documented in setup.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_layers=(fmt clippy native wasm e2e)
# Layers run only when named: `live` starts real JVMs and is not part of the default run yet.
named_layers=(live)
if [[ $# -gt 0 ]]; then
    for layer in "$@"; do
        case " ${all_layers[*]} ${named_layers[*]} " in
            *" ${layer} "*) ;;
            *) echo "test.sh: unknown layer '${layer}' (known: ${all_layers[*]} ${named_layers[*]})" >&2; exit 2 ;;
        esac
    done
    layers=("$@")
else
    layers=("${all_layers[@]}")
fi

# Installs what is missing and puts e2e/node_modules/.bin (wasm-opt 132) and ~/.cargo/bin (trunk,
# wasm-bindgen, wasm-bindgen-test-runner) first on PATH.
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

# Trunk's own "is there a newer trunk?" check needs the network; skip it.
export TRUNK_SKIP_VERSION_CHECK=true
# wasm-bindgen-test-runner gives a whole browser test binary 20 s by default; the simulation
# tests can take longer than that on a 2-core machine.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

layer_fmt() {
    cargo fmt --check
}

layer_clippy() {
    cargo clippy --all-targets -- -D warnings \
        && cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
}

layer_native() {
    # The test-native profile: release optimisation for the swarm and property tests, without
    # the fat LTO that made each of the ~25 test binaries link for a minute (Cargo.toml).
    cargo test --profile test-native
}

layer_wasm() {
    # --tests: without it cargo ends with a doc-test block printing "0 passed", and that would be
    # the last `test result:` line instead of the browser suite's.
    # --release is fine with the release profile's panic = "abort": wasm32-unknown-unknown always
    # aborts on panic anyway, and wasm-bindgen-test reports the panic message through its hook.
    cargo test --target wasm32-unknown-unknown --release --tests
}

layer_e2e() {
    # `playwright` is @playwright/test's CLI from e2e/node_modules/.bin (first on PATH, setup.sh).
    # Its last line is `N passed, M failed` (e2e/summary-reporter.mjs); nonzero exit on a failure.
    trunk build --release && playwright test --config e2e/playwright.config.mjs
}

layer_live() {
    cargo build --profile test-native --bin flinkscope &&
        python3 scripts/live-differential.py --runner target/test-native/flinkscope
}

declare -A result=() seconds=()
failed=""

print_summary() {
    echo
    echo "==== test summary ===="
    local layer
    for layer in "${all_layers[@]}" "${named_layers[@]}"; do
        case " ${layers[*]} " in *" ${layer} "*) ;; *) continue ;; esac
        printf '%-8s %-12s %s\n' "${layer}" "${result[${layer}]:-NOT RUN}" \
            "${seconds[${layer}]:+(${seconds[${layer}]} s)}"
    done
    if [[ -n "${failed}" ]]; then
        echo "FAILED at layer '${failed}'; later layers were not run."
    else
        echo "all ${#layers[@]} layers passed"
    fi
}

for layer in "${layers[@]}"; do
    echo
    echo "==== layer: ${layer} ===="
    start=$SECONDS
    if "layer_${layer}"; then
        result[${layer}]="PASS"
        seconds[${layer}]=$((SECONDS - start))
    else
        result[${layer}]="FAIL"
        seconds[${layer}]=$((SECONDS - start))
        failed="${layer}"
        echo "test.sh: layer '${layer}' FAILED (see the output above)" >&2
        break
    fi
done

print_summary
[[ -z "${failed}" ]]

#!/usr/bin/env bash
# Serve the app with live reload on http://127.0.0.1:8080 (address and port from Trunk.toml).
# Installs anything missing first (scripts/setup.sh). Extra arguments go to `trunk serve`,
# e.g. `scripts/serve.sh --release` or `scripts/serve.sh --port 9000`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Installs what is missing and puts e2e/node_modules/.bin (wasm-opt 132) and ~/.cargo/bin first
# on PATH, which trunk needs to find its pinned wasm-bindgen and wasm-opt.
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

# Trunk's own "is there a newer trunk?" check needs the network; skip it.
export TRUNK_SKIP_VERSION_CHECK=true
exec trunk serve "$@"

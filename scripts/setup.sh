#!/usr/bin/env bash
# Install every tool flinkscope needs on a fresh machine, and nothing that is already there.
#
# Idempotent and fast (about a second) when everything is present. Versions are the ones verified
# together in ../shared/TOOLCHAIN.md; keep them in step with Cargo.toml and Trunk.toml:
#   - rust target wasm32-unknown-unknown             (rustup)
#   - wasm-bindgen-cli 0.2.130                        (= the `=0.2.130` pin in Cargo.toml and the
#                                                      [tools] wasm_bindgen pin in Trunk.toml)
#   - trunk 0.21.14                                   (0.22.x needs a newer rustc)
#   - chromium, chromium-driver, fonts-nanum          (Debian; the font renders Hangul in shots)
#   - e2e/node_modules: binaryen 132 (wasm-opt for trunk), terser 5.51.4 (e2e/minify-glue.mjs,
#                       the release build's hook), @playwright/test 1.65.1 (the end-to-end
#                       runner; it drives the Debian chromium, no browser download) and
#                       axe-core 4.14.1 (the accessibility spec) (`npm ci`)
#
# Usage:
#   scripts/setup.sh                  install; logs go to stderr, stdout gets one `export PATH=…`
#   eval "$(scripts/setup.sh)"        install and fix PATH in the current shell
#   source scripts/setup.sh           the same, from bash (what serve.sh / test.sh / bench.sh do)
#
# PATH: e2e/node_modules/.bin must come first so that trunk finds wasm-opt "version_132" (Debian's
# binaryen 108 cannot read current rustc output), then $CARGO_HOME/bin for trunk and wasm-bindgen.
#
# Skip parts with SETUP_SKIP_<PART>=1, where PART is one of
#   TARGET (rustup target), WASM_BINDGEN, TRUNK, APT (chromium, chromedriver, font), NPM (e2e).
# SETUP_SKIP_ALL=1 skips every install and only sets PATH.

# Everything below the PATH computation runs in a subshell with strict mode, so sourcing this file
# from an interactive shell neither turns on `set -e` there nor exits that shell on a failure.

flinkscope_setup_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
flinkscope_setup_path="${flinkscope_setup_root}/e2e/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin"

flinkscope_setup_main() (
    set -euo pipefail
    export PATH="${flinkscope_setup_path}:${PATH}"
    cd "${flinkscope_setup_root}"

    local wasm_bindgen_version="0.2.130"
    local trunk_version="0.21.14"

    log() { printf 'setup: %s\n' "$*" >&2; }
    skip() { # skip PART: true when SETUP_SKIP_PART or SETUP_SKIP_ALL is set to 1
        local var="SETUP_SKIP_$1"
        [[ "${!var:-0}" == 1 || "${SETUP_SKIP_ALL:-0}" == 1 ]]
    }
    timed() { # timed LABEL COMMAND...: run COMMAND (output to stderr), then log how long it took
        local label="$1" start=$SECONDS
        shift
        log "${label}: $*"
        "$@" >&2
        log "${label}: done in $((SECONDS - start)) s"
    }
    as_root() {
        if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
    }
    version_of() { # version_of TOOL: the second word of `TOOL --version`, empty if TOOL is missing
        command -v "$1" >/dev/null 2>&1 || return 0
        "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }'
    }

    # 1. The wasm32 target for rustc.
    if ! skip TARGET; then
        command -v rustup >/dev/null || { log "rustup is missing; install Rust 1.95+ first"; exit 1; }
        if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
            log "wasm32-unknown-unknown target: present"
        else
            timed "wasm32 target" rustup target add wasm32-unknown-unknown
        fi
    fi

    # 2. wasm-bindgen-cli (also provides wasm-bindgen-test-runner, the cargo runner for wasm32).
    # Without --locked: its own lockfile names a crate version the registry no longer has.
    if ! skip WASM_BINDGEN; then
        if [[ "$(version_of wasm-bindgen)" == "${wasm_bindgen_version}" ]] \
            && [[ "$(version_of wasm-bindgen-test-runner)" == "${wasm_bindgen_version}" ]]; then
            log "wasm-bindgen ${wasm_bindgen_version}: present"
        else
            timed "wasm-bindgen-cli ${wasm_bindgen_version}" \
                cargo install wasm-bindgen-cli --version "${wasm_bindgen_version}"
        fi
    fi

    # 3. trunk.
    if ! skip TRUNK; then
        if [[ "$(version_of trunk)" == "${trunk_version}" ]]; then
            log "trunk ${trunk_version}: present"
        else
            timed "trunk ${trunk_version}" cargo install --locked trunk --version "${trunk_version}"
        fi
    fi

    # 4. Debian chromium + chromedriver (Playwright's own browser download does not work here) and
    # a CJK font so Korean text is not drawn as boxes in screenshots.
    if ! skip APT; then
        local font_present=0
        if compgen -G '/usr/share/fonts/truetype/nanum/*.ttf' >/dev/null; then font_present=1; fi
        if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver && "${font_present}" == 1 ]]; then
            log "chromium, chromedriver, fonts-nanum: present"
        else
            command -v apt-get >/dev/null || { log "apt-get is missing; install chromium, chromium-driver and fonts-nanum by hand"; exit 1; }
            timed "apt-get update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update
            timed "apt-get install" as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y chromium chromium-driver fonts-nanum
        fi
    fi

    # 5. The pinned npm packages (wasm-opt 132 for trunk, terser for the release build's post-build
    # hook, @playwright/test and axe-core for the end-to-end suite in e2e/).
    # npm writes node_modules/.package-lock.json on every install: it is the "installed" stamp.
    if ! skip NPM; then
        command -v npm >/dev/null || { log "node/npm are missing; install Node.js 20+ first"; exit 1; }
        local stamp="e2e/node_modules/.package-lock.json"
        if [[ -f "${stamp}" && ! "e2e/package-lock.json" -nt "${stamp}" \
            && ! "e2e/package.json" -nt "${stamp}" && -x e2e/node_modules/.bin/wasm-opt \
            && -x e2e/node_modules/.bin/playwright ]]; then
            log "e2e/node_modules: present"
        else
            timed "npm ci (e2e)" npm ci --prefix e2e --no-audit --no-fund
        fi
    fi

    # Check what the other scripts rely on, so a broken install fails here and not halfway
    # through a test run.
    local problems=0
    check() { # check WHAT ACTUAL EXPECTED
        if [[ "$2" == "$3" ]]; then return 0; fi
        log "PROBLEM: $1 is '${2:-missing}', expected '$3'"
        problems=1
    }
    skip WASM_BINDGEN || check "wasm-bindgen --version" "$(version_of wasm-bindgen)" "${wasm_bindgen_version}"
    skip TRUNK || check "trunk --version" "$(version_of trunk)" "${trunk_version}"
    if ! skip NPM; then
        check "wasm-opt --version" "$(wasm-opt --version 2>/dev/null | awk '{ print $3 }')" "132"
        check "wasm-opt on PATH" "$(command -v wasm-opt || true)" \
            "${flinkscope_setup_root}/e2e/node_modules/.bin/wasm-opt"
    fi
    if ! skip APT; then
        check "/usr/bin/chromium executable" "$([[ -x /usr/bin/chromium ]] && echo yes)" "yes"
        check "/usr/bin/chromedriver executable" "$([[ -x /usr/bin/chromedriver ]] && echo yes)" "yes"
    fi
    [[ "${problems}" == 0 ]] || exit 1
    log "all tools present"
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: install, then fix PATH in the caller's shell (once, even when sourced twice).
    flinkscope_setup_main || return $?
    case ":${PATH}:" in
        ":${flinkscope_setup_path}:"*) ;;
        *) export PATH="${flinkscope_setup_path}:${PATH}" ;;
    esac
else
    set -euo pipefail
    flinkscope_setup_main
    printf 'setup: to use the tools from this shell: eval "$(scripts/setup.sh)", or run:\n' >&2
    printf 'export PATH="%s:$PATH"\n' "${flinkscope_setup_path}"
fi

#!/usr/bin/env bash
# Every check and test Steward has: formatting, lints, strict TypeScript,
# generated-type drift, UI tests, core/CLI tests on real SQLite files, and the
# end-to-end tests that drive the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never
# Checks that need an outside reader (LibreOffice for the QBR decks) fail
# rather than skip when it is missing: setup.sh --test installed it.
export STEWARD_FULL_CHECKS=1
export STEWARD_OPENXML_AUDIT="${STEWARD_TOOLS_DIR:-${HOME:-/tmp}/.cache/steward-tools}/venv/bin/openxml-audit"

step() { printf '\n==> %s\n' "$*"; }

step "UI: build, strict type check, unit tests"
(cd ui && npm run --silent build && npm run --silent check && npm run --silent test)

step "Rust: formatting"
cargo fmt --all -- --check

step "Rust: clippy, warnings are errors"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "Rust: unit and integration tests (includes the TypeScript bindings drift check)"
# In a private D-Bus session with an unlocked keyring: secrets go to the
# real OS keychain in tests, as on a desktop.
bash scripts/with-keyring.sh cargo test --workspace --quiet

step "End to end: the real app under Xvfb"
# Private XDG folders keep WebKit's state out of the user's home.
xdg=$(mktemp -d)
trap 'rm -rf "$xdg"' EXIT
# The keychain session as above: the Connections screen stores a token.
XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" \
  timeout 900 bash scripts/with-keyring.sh xvfb-run -a -s "-screen 0 1920x1200x24" \
  cargo test --test e2e -- --ignored --test-threads=1
echo "Screenshots: artifacts/e2e/"

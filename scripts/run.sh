#!/usr/bin/env bash
# Installs what is missing, builds Steward and opens it. With no portfolio
# yet, the demo book is loaded first so every screen has something to show.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> building the UI"
(cd ui && npm run --silent build)
echo "==> building the app (release)"
cargo build --release -p steward-app -p steward-cli

if ! ./target/release/steward info 2>/dev/null | grep -qE '^accounts +[1-9]'; then
  echo "==> no accounts yet: loading the demo book"
  ./target/release/steward demo
fi
echo "==> starting Steward"
exec ./target/release/steward-app

#!/usr/bin/env bash
# The benchmarks behind docs/benchmarks.md: release builds, a 5,000-account book
# with three years of daily usage, query latencies, usage import against
# sqlite3's .import, app start-up in the real window under Xvfb, and sync
# against the fake vendors at their real pace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"
accounts=${ACCOUNTS:-5000}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"

(cd ui && npm run --silent build)
cargo build --release -p steward-cli -p steward-app
./target/release/steward bench --accounts "$accounts" --work-dir "$work" | tee "$work/report.md"

echo "==> app start-up with the same book"
xdg=$(mktemp -d)
XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" \
STEWARD_BENCH_DATA_DIR="$work/book" STEWARD_APP_BINARY="$PWD/target/release/steward-app" \
  timeout 600 xvfb-run -a -s "-screen 0 1400x900x24" \
  cargo test --release --test bench_start -- --ignored --nocapture 2>&1 | grep -E 'start_to_|launch_to_|from launch|rss_|test result'
echo "==> sync against the fake vendors at their real pace"
cargo bench -p steward-sync --bench sync 2>/dev/null | tee -a "$work/report.md"
echo "Report: $work/report.md"

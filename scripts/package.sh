#!/usr/bin/env bash
# Builds Steward's Debian package: the app with its icon and desktop entry,
# and the `steward` command line, stripped of debug information.
#
#   bash scripts/package.sh          the package, in target/release/bundle/deb/
#   bash scripts/package.sh --check  then installs it with apt on this machine,
#                                    starts the installed app under Xvfb on an
#                                    empty data folder, runs the installed CLI,
#                                    and removes the package again
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = "--check" ] && check=1
if [ "$check" = 1 ]; then bash scripts/setup.sh --test; else bash scripts/setup.sh; fi
export PATH="$HOME/.cargo/bin:$PATH"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

echo "==> building the UI"
(cd ui && npm run --silent build)

# The release profile keeps line tables for benchmarks' profiles; a package
# does not need them (they triple the binary).
export CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_STRIP=debuginfo
echo "==> building the steward CLI"
cargo build --release --quiet -p steward-cli

echo "==> building the app and its Debian package"
# The Tauri CLI comes from npm as a prebuilt binary; the package also
# carries the CLI, as /usr/bin/steward.
npx --yes @tauri-apps/cli@^2.12 build --bundles deb \
  --config '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/steward":"target/release/steward"}}}}}'
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
echo "Package: $deb ($(du -h "$deb" | cut -f1))"
[ "$check" = 1 ] || exit 0

echo "==> installing $deb"
$sudo_cmd apt-get install -y -qq "./$deb" >/dev/null
trap '$sudo_cmd apt-get remove -y -qq steward >/dev/null 2>&1 || true' EXIT
name=$(dpkg-deb -f "$deb" Package)
files=$(dpkg -L "$name")
for want in /usr/bin/steward-app /usr/bin/steward /usr/share/applications/ /usr/share/icons/hicolor/; do
  grep -q "^$want" <<<"$files" || { echo "missing from the package: $want"; exit 1; }
done
desktop=$(grep '^/usr/share/applications/.*\.desktop$' <<<"$files")
grep -q '^Exec=steward-app' "$desktop" || { echo "the desktop entry does not start steward-app"; exit 1; }
steward --version

echo "==> starting the installed app on an empty data folder"
home=$(mktemp -d)
set +e
STEWARD_DATA_DIR="$home/data" XDG_DATA_HOME="$home/xdg" XDG_CONFIG_HOME="$home/cfg" XDG_CACHE_HOME="$home/cache" \
  timeout 20 xvfb-run -a steward-app >"$home/log" 2>&1 &
app=$!
for _ in $(seq 1 100); do
  [ -f "$home/data/portfolio.sqlite3" ] && break
  sleep 0.1
done
sleep 2
kill -0 "$app" 2>/dev/null
alive=$?
set -e
kill "$app" 2>/dev/null || true
wait "$app" 2>/dev/null || true
if [ ! -f "$home/data/portfolio.sqlite3" ] || [ "$alive" -ne 0 ]; then
  echo "the installed app did not start:"; cat "$home/log"; exit 1
fi
echo "The installed app started and created its portfolio; package $name removes cleanly."
rm -rf "$home"

#!/usr/bin/env bash
# Installs what building, running and testing Steward needs on Debian/Ubuntu,
# skipping whatever is already there. Safe to run again.
#   scripts/setup.sh          what building and running the app needs
#   scripts/setup.sh --test   plus what the test suite needs (Xvfb, WebDriver)
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi

packages=(build-essential pkg-config file curl libssl-dev libwebkit2gtk-4.1-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev)
if [ "$want_tests" = 1 ]; then
  # LibreOffice and poppler read the QBR decks back as independent readers.
  # gnome-keyring gives tests a real Secret Service keychain.
  packages+=(xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring sqlite3 libreoffice-impress-nogui
    fonts-crosextra-carlito poppler-utils python3-venv locales)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
fi

# The German end-to-end pass starts the app under LANG=de_DE.UTF-8; WebKit
# takes the page's language from it only when that locale exists.
if [ "$want_tests" = 1 ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  echo "==> generating the de_DE.UTF-8 locale"
  if command -v localedef >/dev/null 2>&1; then
    $sudo_cmd localedef -i de_DE -f UTF-8 de_DE.UTF-8
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "==> installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

node_major=$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/' || echo 0)
if [ "${node_major:-0}" -lt 20 ]; then
  echo "==> installing Node.js"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm
  node_major=$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/' || echo 0)
  if [ "${node_major:-0}" -lt 20 ]; then
    echo "Steward's UI build needs Node.js 20 or newer; this system offers $(node --version)." >&2
    echo "Install Node.js 20+ (for example from nodejs.org) and run this again." >&2
    exit 1
  fi
fi

if [ ! -d ui/node_modules ] || [ ui/package.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> installing UI packages"
  # npm ci rejects this lockfile on some registries (see ARCHITECTURE.md); install keeps it.
  (cd ui && npm install --no-audit --no-fund --loglevel=error)
fi

if [ "$want_tests" = 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi

# openxml-audit checks the QBR decks against the Office Open XML schemas
# (element order included, which PowerPoint enforces); a venv of its own.
audit_venv="${STEWARD_TOOLS_DIR:-${HOME:-/tmp}/.cache/steward-tools}/venv"
if [ "$want_tests" = 1 ] && [ ! -x "$audit_venv/bin/openxml-audit" ]; then
  echo "==> installing openxml-audit (Office Open XML schema checks)"
  python3 -m venv "$audit_venv"
  "$audit_venv/bin/pip" install --quiet --disable-pip-version-check 'openxml-audit==0.8.0'
fi

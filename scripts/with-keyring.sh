#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with GNOME Keyring started
# and unlocked, so the OS keychain (Secret Service) works in tests and CI
# exactly as on a desktop. Without --unlock every keychain call fails.
set -euo pipefail
exec dbus-run-session -- bash -c '
  eval "$(printf steward-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' with-keyring "$@"

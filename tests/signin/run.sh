#!/bin/sh
# Runs the sign-in suite in a D-Bus session of its own with an unlocked gnome-keyring: a real
# Secret Service, isolated from the user's own keyring. Use: dbus-run-session -- sh tests/signin/run.sh
set -e
keyrings="$(mktemp -d)"
trap 'rm -rf "$keyrings"' EXIT
export XDG_DATA_HOME="$keyrings"
printf 'flowbench-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
node --test --test-reporter=tap "$(dirname "$0")/"

#!/usr/bin/env bash
# Installs Debian's Chromium (when missing) for the console's browser tests
# and prints CAMPUSHUB_TEST_CHROMIUM, the browser to drive. Nothing runs in
# the background, so stop has nothing to do.
set -euo pipefail
SERVICE=chromium
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_chromium() { command -v chromium || command -v chromium-browser || true; }

start() {
	if [ -z "$(find_chromium)" ]; then
		apt_install chromium
	fi
	local path
	path="$(find_chromium)"
	[ -n "$path" ] || die "chromium installed but not found on PATH"
	"$path" --headless --no-sandbox --version >&2 || die "$path does not start"
	echo "CAMPUSHUB_TEST_CHROMIUM=$path"
}

case "${1:-}" in
start) start ;;
stop) ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac

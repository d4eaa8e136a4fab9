#!/usr/bin/env bash
# Runs every `go test -fuzz` target of the module, one after the other, each
# for FUZZTIME (default 30s). FUZZ narrows the run to targets whose name
# matches it (a grep -E pattern). New failing inputs land in the package's
# testdata/fuzz/<Target>/ and from then on run as ordinary tests.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
FUZZ=${FUZZ:-.}

targets=$(grep -rE --include='*_test.go' -o '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' . |
	sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]+).*#\1 \2#' | sort -u | grep -E " .*(${FUZZ})" || true)
if [ -z "$targets" ]; then
	echo "fuzz: no target matches ${FUZZ}" >&2
	exit 1
fi
failed=0
while read -r dir name; do
	echo "fuzz: ${name} in ./${dir} for ${FUZZTIME}"
	if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "./${dir}"; then
		echo "fuzz: ${name} FAILED; the failing input is under ./${dir}/testdata/fuzz/${name}/" >&2
		failed=1
	fi
done <<<"$targets"
exit $failed

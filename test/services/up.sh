#!/usr/bin/env bash
# Starts every service the integration suites use, without Docker:
# PostgreSQL, MariaDB, a NATS server, Chromium (for the console's browser
# tests) and, when its script is present, Apache Kafka. The
# CAMPUSHUB_TEST_* variables they print are written to $SERVICES_ROOT/env
# (default <repo>/.services/env), so that
#
#   make services-up && source .services/env && make test
#
# runs the suites against them. `make services-down` stops them again.
#
# Services installed from Debian packages start one after another (apt
# takes one lock); the others (Kafka fetches its jars with Maven, NATS is
# built with the Go toolchain) start at the same time beside them.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="${SERVICES_ROOT:-$REPO/.services}"
HERE="$REPO/test/services"
ENV_FILE="$ROOT/env"

# Each entry is name:script. apt_services install Debian packages when
# missing; side_services do not and start in parallel with them.
apt_services=(postgres:"$HERE/postgres.sh" mariadb:"$HERE/mariadb.sh" chromium:"$HERE/chromium.sh")
side_services=(nats:"$HERE/nats.sh")
if [ -f "$HERE/kafka/kafka.sh" ]; then
	side_services+=(kafka:"$HERE/kafka/kafka.sh")
else
	echo "services: $HERE/kafka/kafka.sh not found; Kafka is not started" >&2
fi

mkdir -p "$ROOT"
tmp="$(mktemp "$ROOT/env.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
echo "# Written by test/services/up.sh; load with: source ${ENV_FILE#"$REPO/"}" >"$tmp"

# start_one starts one service, keeping what it prints in $ROOT/<name>.out
# and its exit status in $ROOT/<name>.status; its messages go to stderr.
start_one() {
	local name="${1%%:*}" script="${1#*:}" started=$SECONDS status=0
	SERVICES_DIR="$ROOT/$name" bash "$script" start >"$ROOT/$name.out" || status=$?
	echo "$status" >"$ROOT/$name.status"
	if [ "$status" = 0 ]; then
		echo "services: $name up in $((SECONDS - started))s" >&2
	fi
}

pids=()
for entry in ${side_services[@]+"${side_services[@]}"}; do
	start_one "$entry" &
	pids+=($!)
done
(for entry in "${apt_services[@]}"; do
	start_one "$entry"
	[ "$(cat "$ROOT/${entry%%:*}.status")" = 0 ] || break
done) &
pids+=($!)
for pid in "${pids[@]}"; do
	wait "$pid" || true
done

failed=0
for entry in "${apt_services[@]}" ${side_services[@]+"${side_services[@]}"}; do
	name="${entry%%:*}"
	if [ ! -f "$ROOT/$name.status" ]; then
		echo "services: $name was not started, because a service before it failed" >&2
		failed=1
		continue
	fi
	if [ "$(cat "$ROOT/$name.status")" != 0 ]; then
		echo "services: $name failed to start (see the lines above and $ROOT/$name); stop the others with make services-down" >&2
		failed=1
		continue
	fi
	vars="$(grep -E '^CAMPUSHUB_TEST_[A-Z_]+=' "$ROOT/$name.out" || true)"
	if [ -z "$vars" ]; then
		echo "services: $name started but printed no CAMPUSHUB_TEST_* variable" >&2
		failed=1
		continue
	fi
	while IFS= read -r line; do
		printf 'export %s=%q\n' "${line%%=*}" "${line#*=}" >>"$tmp"
	done <<<"$vars"
done
rm -f "$ROOT"/*.status "$ROOT"/*.out
[ "$failed" = 0 ] || exit 1

mv "$tmp" "$ENV_FILE"
trap - EXIT
cat "$ENV_FILE"

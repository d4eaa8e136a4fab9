#!/usr/bin/env bash
# Starts every service the integration suites use, without Docker:
# PostgreSQL, MariaDB and, when its script is present, Apache Kafka. The
# CAMPUSHUB_TEST_* variables they print are written to $SERVICES_ROOT/env
# (default <repo>/.services/env), so that
#
#   make services-up && source .services/env && make test
#
# runs the suites against them. `make services-down` stops them again.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="${SERVICES_ROOT:-$REPO/.services}"
HERE="$REPO/test/services"
ENV_FILE="$ROOT/env"

services=(postgres:"$HERE/postgres.sh" mariadb:"$HERE/mariadb.sh")
if [ -f "$HERE/kafka/kafka.sh" ]; then
	services+=(kafka:"$HERE/kafka/kafka.sh")
else
	echo "services: $HERE/kafka/kafka.sh not found; Kafka is not started" >&2
fi

mkdir -p "$ROOT"
tmp="$(mktemp "$ROOT/env.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
echo "# Written by test/services/up.sh; load with: source ${ENV_FILE#"$REPO/"}" >"$tmp"

for entry in "${services[@]}"; do
	name="${entry%%:*}"
	script="${entry#*:}"
	started=$SECONDS
	if ! out="$(SERVICES_DIR="$ROOT/$name" bash "$script" start)"; then
		echo "services: $name failed to start (see the lines above and $ROOT/$name); stop the others with make services-down" >&2
		exit 1
	fi
	vars="$(grep -E '^CAMPUSHUB_TEST_[A-Z_]+=' <<<"$out" || true)"
	if [ -z "$vars" ]; then
		echo "services: $name started but printed no CAMPUSHUB_TEST_* variable" >&2
		exit 1
	fi
	while IFS= read -r line; do
		printf 'export %s=%q\n' "${line%%=*}" "${line#*=}" >>"$tmp"
	done <<<"$vars"
	echo "services: $name up in $((SECONDS - started))s" >&2
done

mv "$tmp" "$ENV_FILE"
trap - EXIT
cat "$ENV_FILE"

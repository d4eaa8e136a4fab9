#!/usr/bin/env bash
# Stops every service test/services/up.sh started and removes the env file.
# Safe to run when nothing runs; data directories are kept for the next start.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROOT="${SERVICES_ROOT:-$REPO/.services}"
HERE="$REPO/test/services"

status=0
for entry in nats:"$HERE/nats.sh" kafka:"$HERE/kafka/kafka.sh" mariadb:"$HERE/mariadb.sh" postgres:"$HERE/postgres.sh"; do
	name="${entry%%:*}"
	script="${entry#*:}"
	[ -f "$script" ] || continue
	if ! SERVICES_DIR="$ROOT/$name" bash "$script" stop; then
		echo "services: $name did not stop cleanly" >&2
		status=1
	fi
done
rm -f "$ROOT/env"
exit $status

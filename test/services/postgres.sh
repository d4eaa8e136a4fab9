#!/usr/bin/env bash
# Runs a private PostgreSQL server for the test suites, without Docker.
#
#   bash test/services/postgres.sh start   # prints CAMPUSHUB_TEST_POSTGRES_DSN=…
#   bash test/services/postgres.sh stop    # safe to run when nothing runs
#
# The server lives in $SERVICES_DIR (default <repo>/.services/postgres),
# listens on 127.0.0.1 on a free port (never 5432, so a system server is left
# alone) and keeps its socket and pid file in that directory. The Debian
# packages are installed when missing. The user "campushub" may create
# databases, because the suites create one database per test.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${SERVICES_DIR:-$REPO/.services/postgres}"
DATA="$DIR/data"
RUN="$DIR/run"
LOG="$DIR/postgres.log"
PORT_FILE="$DIR/port"
USER_NAME=campushub
USER_PASS=campushub
DB_NAME=campushub

SERVICE=postgres
# shellcheck source=test/services/lib.sh
source "$REPO/test/services/lib.sh"

# as_pg runs a command as the owner of the cluster: the postgres user when we
# are root (the server refuses to run as root), ourselves otherwise.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_bin finds the newest installed server binaries.
pg_bin() {
	local d
	d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

# install installs the server from Debian packages when it is missing; the
# package's own cluster is not started (policy-rc.d says so when present).
install() {
	pg_bin >/dev/null && return 0
	apt_install postgresql
	pg_bin >/dev/null || die "postgresql installed but no pg_ctl under /usr/lib/postgresql/*/bin"
}

running() {
	[ -f "$DATA/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

dsn() {
	echo "CAMPUSHUB_TEST_POSTGRES_DSN=postgres://$USER_NAME:$USER_PASS@127.0.0.1:$(cat "$PORT_FILE")/$DB_NAME?sslmode=disable"
}

psql_admin() {
	as_pg "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$(cat "$PORT_FILE")" -U postgres -d postgres "$@"
}

start() {
	install
	local bin
	bin="$(pg_bin)"
	mkdir -p "$DIR"
	if running; then
		dsn
		return 0
	fi
	mkdir -p "$RUN"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$DIR"
		runuser -u postgres -- test -w "$DIR" ||
			die "user postgres cannot write $DIR; a parent directory is not searchable (set SERVICES_DIR, or SERVICES_ROOT for up.sh, to a directory under /tmp)"
	fi
	if [ ! -f "$DATA/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
			--auth-local=trust --auth-host=scram-sha-256 --no-instructions >"$DIR/initdb.log" 2>&1 ||
			die "initdb failed: $(tail -n 5 "$DIR/initdb.log")"
	fi
	free_port >"$PORT_FILE"
	local port
	port="$(cat "$PORT_FILE")"
	# Durability is not needed for tests; many parallel tests need connections.
	local opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$RUN"
	opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c timezone=UTC"
	as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -o "$opts" -w -t 60 start >/dev/null ||
		die "server did not start: $(tail -n 10 "$LOG" 2>/dev/null)"
	psql_admin <<-SQL || die "could not create user and database"
		DO \$\$ BEGIN
		  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$USER_NAME') THEN
		    CREATE ROLE $USER_NAME LOGIN CREATEDB PASSWORD '$USER_PASS';
		  END IF;
		END \$\$;
	SQL
	if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
		psql_admin -c "CREATE DATABASE $DB_NAME OWNER $USER_NAME" || die "could not create database $DB_NAME"
	fi
	log "ready on 127.0.0.1:$port (data in $DATA)"
	dsn
}

stop() {
	local bin
	bin="$(pg_bin || true)"
	if [ -z "$bin" ] || [ ! -f "$DATA/postmaster.pid" ]; then
		return 0
	fi
	if running; then
		as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || die "pg_ctl stop failed"
		log "stopped"
	fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# scripts/pg.sh start|stop — a private, throwaway PostgreSQL cluster for the test suite.
#
#   eval "$(scripts/pg.sh start)"   # exports MOTCUA_TEST_DATABASE_URL, PGTEST_DIR, PGTEST_PORT
#   scripts/pg.sh stop              # stops the cluster in $PGTEST_DIR and deletes it
#
# Why a private cluster: tests create and drop many databases, and must never touch a
# cluster the machine already runs (on the CI machines one listens on 5432). The
# cluster lives in a temp dir, listens on 127.0.0.1 only, on a free port (55432 by
# default, or PGTEST_PORT), with its socket inside the temp dir, and trusts local
# connections. Durability is switched off (fsync etc.): it is thrown away anyway,
# and it makes the create/migrate/drop cycle of each test much faster.
#
# stdout carries ONLY `export ...` lines so that `eval "$(scripts/pg.sh start)"` is
# safe; everything else goes to stderr. The recipe is the one in the stack notes (§4).
set -euo pipefail

log() { echo "pg.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The newest Debian server binaries (/usr/lib/postgresql/<major>/bin), else whatever
# initdb is on PATH (another distribution, or a hand-built PostgreSQL).
find_pgbin() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

# initdb refuses to run as root, and CI runs as root: then the server runs as the
# `postgres` user that Debian's package creates. As a normal user we run it directly.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    # cd to the cluster dir: the postgres user cannot enter root's working directory.
    (cd "$PGTEST_DIR" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# True when something already accepts TCP connections on 127.0.0.1:$1
# (bash's /dev/tcp needs no extra tool such as ss or nc).
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local pgbin
  if ! pgbin=$(find_pgbin); then
    [ "$(id -u)" -eq 0 ] || die "initdb not found; install PostgreSQL (Debian: apt-get install postgresql postgresql-contrib)"
    log "initdb not found; installing Debian's postgresql and postgresql-contrib (pg_trgm)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql postgresql-contrib >&2
    pgbin=$(find_pgbin) || die "initdb still not found after installing postgresql"
  fi

  # /tmp rather than $TMPDIR: the postgres user must be able to reach it when we run
  # as root, and the socket path must stay under the kernel's 107-byte limit.
  PGTEST_DIR=$(mktemp -d /tmp/motcua-pgtest.XXXXXX)
  export PGTEST_DIR
  # Marks the dir as ours, so that `stop` never deletes anything else.
  touch "$PGTEST_DIR/.motcua-pgtest"
  if [ "$(id -u)" -eq 0 ]; then
    getent passwd postgres >/dev/null || die "running as root but there is no 'postgres' user to run the server"
    chown postgres: "$PGTEST_DIR"
  fi

  # -N: no fsync of the new files; the cluster is thrown away.
  if ! as_pg "$pgbin/initdb" -D "$PGTEST_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 -N \
      >"$PGTEST_DIR/initdb.log" 2>&1; then
    cat "$PGTEST_DIR/initdb.log" >&2
    rm -rf "$PGTEST_DIR"
    die "initdb failed"
  fi

  # Try the preferred port, then the next ones: another program (or another test run)
  # may hold it, and it can also be taken between our check and the server's bind.
  local first=${PGTEST_PORT:-55432} port ok=
  for port in $(seq "$first" $((first + 49))); do
    port_busy "$port" && continue
    # A fresh log per attempt, so the check below sees only this attempt's errors
    # (removed, not truncated: as root, a file we create would not be the server's).
    rm -f "$PGTEST_DIR/log"
    if as_pg "$pgbin/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/log" -w -t 60 start \
        -o "-p $port -k $PGTEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >&2; then
      ok=1
      break
    fi
    # Only a lost race for the port is worth another try; anything else is a real failure.
    if grep -q 'could not bind\|already in use' "$PGTEST_DIR/log" 2>/dev/null; then
      log "port $port was taken, trying the next one"
      continue
    fi
    break
  done
  if [ -z "$ok" ]; then
    [ -f "$PGTEST_DIR/log" ] && cat "$PGTEST_DIR/log" >&2
    rm -rf "$PGTEST_DIR"
    die "could not start PostgreSQL (tried from port $first)"
  fi
  log "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $PGTEST_DIR"

  echo "export MOTCUA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export PGTEST_DIR=$PGTEST_DIR"
  echo "export PGTEST_PORT=$port"
}

stop() {
  PGTEST_DIR=${1:-${PGTEST_DIR:-}}
  [ -n "$PGTEST_DIR" ] || die "PGTEST_DIR is not set (pass it as an argument or in the environment)"
  [ -f "$PGTEST_DIR/.motcua-pgtest" ] || die "$PGTEST_DIR is not a cluster made by scripts/pg.sh; not touching it"
  local pgbin
  pgbin=$(find_pgbin) || die "pg_ctl not found"
  if [ -f "$PGTEST_DIR/data/postmaster.pid" ]; then
    # immediate: no checkpoint, the data is deleted next anyway.
    as_pg "$pgbin/pg_ctl" -D "$PGTEST_DIR/data" -m immediate -w stop >&2 || log "pg_ctl stop failed; deleting the dir anyway"
  fi
  rm -rf "$PGTEST_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start|stop [PGTEST_DIR]" >&2; exit 2 ;;
esac

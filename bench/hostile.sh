#!/usr/bin/env bash
# Ordinary clients under a hostile one, on the release server: a fresh
# SQLite demo database, then a fresh PostgreSQL database with the demo
# (dropped afterwards). Loopback only. Figures: docs/benchmarks.md.
#
#   bench/hostile.sh [seconds per phase, default 10]
#   PG=postgres://postgres@127.0.0.1:5432/postgres bench/hostile.sh   # PostgreSQL server
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE=${1:-10}
PG=${PG:-postgres://postgres@127.0.0.1:5432/postgres}
cargo build -q --release -p api --bin api
cargo build -q --release -p api-tests --example hostile
export JWT_SECRET=$(head -c 32 /dev/urandom | base64)
WORK=$(mktemp -d)
SERVER=

stop() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  SERVER=
}
trap 'stop; rm -rf "$WORK"' EXIT

# Serves DATABASE_URL on a free loopback port; sets ADDRESS.
serve() {
  LISTEN_ADDR=127.0.0.1:0 RUST_LOG=warn target/release/api >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 600); do
    ADDRESS=$(sed -n 's|^GraphiQL: \(http://[^/]*\)/graphql|\1|p' "$WORK/server.log")
    [ -n "$ADDRESS" ] && return
    sleep 0.1
  done
  cat "$WORK/server.log"; exit 1
}

run() {
  target/release/examples/hostile --url "$ADDRESS" --secret "$JWT_SECRET" \
    --seconds "$SECONDS_PER_PHASE"
}

echo "## SQLite"
DATABASE_URL="sqlite://$WORK/demo.db?mode=rwc" serve
run
stop

echo "## PostgreSQL"
NAME=lw_hostile_$(date +%s)
psql "$PG" -q -c "CREATE DATABASE $NAME"
trap 'stop; psql "$PG" -q -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)"; rm -rf "$WORK"' EXIT
export DATABASE_URL=${PG%/*}/$NAME
target/release/api seed demo >/dev/null
serve
run

#!/usr/bin/env bash
# The five scale scenarios (docs/benchmarks.md, "At scale"): seeds a
# database with `api seed synthetic` once, keeps it for later runs, and runs
# the scale bench on it: the release server under wrk beside the same SQL
# under pgbench. Loopback only.
#
#   bench/scale.sh [ratings, default 1500000] [seconds per run, default 10] [bench flags]
#   bench/scale.sh 1500000 10 --only 1 --rounds 3   # scenario 1, three runs each
#   STORE=sqlite bench/scale.sh 1500000      # the embedded store instead
#   PG=postgres://postgres@127.0.0.1:5432 bench/scale.sh   # another loopback server
set -euo pipefail
cd "$(dirname "$0")/.."
RATINGS=${1:-1500000}
SECONDS_PER_RUN=${2:-10}
STORE=${STORE:-postgres}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
case "$PG" in
  postgres://*@127.*|postgres://127.*|postgres://*@localhost*|postgres://localhost*) ;;
  *) echo "PG must name a loopback server" >&2; exit 1 ;;
esac
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build -q --release -p api --bin api
cargo build -q --release -p api-tests --example scale_bench

NAME=lw_scale_${RATINGS}
if [ "$STORE" = sqlite ]; then
  mkdir -p target/scale-bench
  URL="sqlite://target/scale-bench/${NAME}.db?mode=rwc"
  SEEDED=$([ -s "target/scale-bench/${NAME}.db" ] && echo 1 || echo 0)
else
  command -v pgbench >/dev/null || { echo "pgbench is missing" >&2; exit 1; }
  URL="$PG/$NAME"
  SEEDED=$(psql "$PG/postgres" -tAc "SELECT count(*) FROM pg_database WHERE datname = '$NAME'")
  [ "$SEEDED" = 1 ] || psql "$PG/postgres" -qc "CREATE DATABASE $NAME"
fi
if [ "$SEEDED" != 1 ]; then
  echo "seeding $RATINGS ratings into $URL (kept for later runs)"
  # About 37,500 ratings a trust at every size: a bigger data set is more
  # trusts, so the trust asked about keeps about the same size.
  TRUSTS=$(( RATINGS / 37500 > 0 ? RATINGS / 37500 : 1 ))
  if ! target/release/api --database-url "$URL" seed synthetic --ratings "$RATINGS" \
      --trusts "$TRUSTS"; then
    # A half-seeded database is not kept.
    if [ "$STORE" = sqlite ]; then rm -f "target/scale-bench/${NAME}.db"*;
    else psql "$PG/postgres" -qc "DROP DATABASE $NAME"; fi
    exit 1
  fi
fi
target/release/examples/scale_bench --database-url "$URL" --seconds "$SECONDS_PER_RUN" "${@:3}"

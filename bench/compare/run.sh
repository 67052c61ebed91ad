#!/usr/bin/env bash
# Runs one comparison workload of one job system; see README.md.
#   bench/compare/run.sh <switchboard|rq|bullmq> <enqueue|bulk|process|latency> --redis-url URL \
#       [--jobs N] [--rate R] [--seconds S] [--concurrency C]
# stdout: one `name=value` line per figure, nothing else; diagnostics go to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${RQ_PYTHON:-/usr/bin/python3}"   # Debian's python with python3-rq, not a pyenv shim

usage() {
  echo "usage: $0 <switchboard|rq|bullmq> <enqueue|bulk|process|latency> --redis-url URL [--jobs N] [--rate R] [--seconds S] [--concurrency C]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
system="$1" workload="$2"; shift 2
case "$workload" in enqueue|bulk|process|latency) ;; *) usage ;; esac
case "$system" in
  switchboard)
    # ./switchboard bench prints the same name=value lines (and a baseline_rpush_per_s). For
    # process it is run twice, like BullMQ: concurrency 8 (or --concurrency) and concurrency 1.
    SB="$HERE/../../switchboard"
    if [ "$workload" = process ]; then
      "$SB" bench process "$@" | grep -v '^baseline'
      "$SB" bench process "$@" --concurrency 1 | sed -n 's/^jobs_per_s=/jobs_per_s_c1=/p'
      exit 0
    fi
    exec "$SB" bench "$workload" "$@" ;;
  rq)
    exec "$PYTHON" "$HERE/rq/$workload.py" "$@" ;;
  bullmq)
    if [ ! -d "$HERE/bullmq/node_modules/bullmq" ]; then
      echo "bullmq is not installed: run (cd $HERE/bullmq && npm ci)" >&2
      exit 2
    fi
    exec node "$HERE/bullmq/$workload.js" "$@" ;;
  *) usage ;;
esac

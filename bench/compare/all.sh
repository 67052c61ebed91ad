#!/usr/bin/env bash
# Runs every comparison workload of python-rq and BullMQ once against a private, throw-away
# redis-server on a free loopback port (never 6379), flushing it between runs, and prints a
# Markdown table on stdout. Progress goes to stderr; every run's raw stdout/stderr is kept in
# bench/compare/results/<UTC time>/ (git-ignored).
#   bench/compare/all.sh [--jobs N] [--rate R] [--seconds S] [--concurrency C]
# The options, if given, are passed to every run; the defaults are the scripts' own
# (jobs 20000, rate 200/s, seconds 20, concurrency 8).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${RQ_PYTHON:-/usr/bin/python3}"
REDIS_SERVER="${REDIS_SERVER:-/usr/bin/redis-server}"
EXTRA=("$@")

log() { echo "[all.sh $(date -u +%H:%M:%S)] $*" >&2; }

command -v "$REDIS_SERVER" >/dev/null || { echo "redis-server not found (apt-get install -y redis-server)" >&2; exit 2; }
command -v redis-cli >/dev/null || { echo "redis-cli not found (apt-get install -y redis-tools)" >&2; exit 2; }
"$PYTHON" -c 'import rq' 2>/dev/null || { echo "python-rq not importable by $PYTHON (apt-get install -y python3-rq)" >&2; exit 2; }
if [ ! -d "$HERE/bullmq/node_modules/bullmq" ]; then
  log "installing BullMQ from the lock file (npm ci)"
  (cd "$HERE/bullmq" && npm ci --no-audit --no-fund >&2)
fi

STAMP="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT"

# A free loopback port, never 6379: bind port 0 and take what the kernel hands out.
PORT=6379
while [ "$PORT" = 6379 ]; do
  PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
done
REDIS_DIR="$(mktemp -d)"
"$REDIS_SERVER" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$REDIS_DIR" --logfile "$OUT/redis-server.log" &
REDIS_PID=$!
cleanup() {
  kill "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  rm -rf "$REDIS_DIR"
}
trap cleanup EXIT
for _ in $(seq 100); do
  redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
  kill -0 "$REDIS_PID" 2>/dev/null || { echo "redis-server failed to start, see $OUT/redis-server.log" >&2; exit 1; }
  sleep 0.1
done
URL="redis://127.0.0.1:$PORT/0"
log "private redis-server pid $REDIS_PID at $URL; raw output in $OUT"

# Noise gauge: CPU time used on the whole machine minus what this script's children (the
# benchmarks, waited for) and the private redis-server used = CPU taken by other processes.
HZ="$(getconf CLK_TCK)"
cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
cpu_own() {
  local kids redis
  kids="$(sed 's/.*) //' "/proc/$$/stat" | awk '{print $14+$15}')"
  redis="$(sed 's/.*) //' "/proc/$REDIS_PID/stat" 2>/dev/null | awk '{print $12+$13}')"
  echo $((kids + ${redis:-0}))
}
OTHER_TOTAL=0
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A FIG   # FIG[system.workload.name]=value
FAILED=0
T_ALL=$SECONDS
# Build Switchboard first, so its build is not timed or counted as noise.
"$HERE/../../switchboard" bench --help >/dev/null 2>&1 || true
for system in switchboard rq bullmq; do
  for workload in enqueue process latency; do
    redis-cli -p "$PORT" flushall >/dev/null   # our private server only
    log "$system $workload ..."
    t=$SECONDS busy0="$(cpu_busy)" own0="$(cpu_own)"
    if "$HERE/run.sh" "$system" "$workload" --redis-url "$URL" "${EXTRA[@]}" \
        >"$OUT/$system-$workload.out" 2>"$OUT/$system-$workload.err"; then
      while IFS='=' read -r name value; do
        [ -n "$name" ] && FIG["$system.$workload.$name"]="$value"
      done <"$OUT/$system-$workload.out"
      other=$(( ($(cpu_busy) - busy0) - ($(cpu_own) - own0) ))
      [ "$other" -lt 0 ] && other=0
      OTHER_TOTAL=$((OTHER_TOTAL + other))
      FIG["$system.$workload.other_cpu_s"]="$((other / HZ))/$((SECONDS - t))"
      log "$system $workload done in $((SECONDS - t)) s (other processes used $((other / HZ)) CPU-s meanwhile): $(tr '\n' ' ' <"$OUT/$system-$workload.out")"
    else
      FAILED=1
      log "$system $workload FAILED after $((SECONDS - t)) s; last lines of its stderr:"
      tail -n 5 "$OUT/$system-$workload.err" >&2
    fi
  done
done
ELAPSED_ALL=$((SECONDS - T_ALL))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
log "all runs took $ELAPSED_ALL s"

v_rq="$("$PYTHON" -c 'import rq; print(rq.__version__)')"
v_redispy="$("$PYTHON" -c 'import redis; print(redis.__version__)')"
v_bullmq="$(node -p 'require("'"$HERE"'/bullmq/node_modules/bullmq/package.json").version')"
v_ioredis="$(node -p 'require("'"$HERE"'/bullmq/node_modules/ioredis/package.json").version')"
v_redis="$("$REDIS_SERVER" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"
v_node="$(node --version)"
v_python="$("$PYTHON" --version 2>&1 | cut -d' ' -f2)"

f() { echo "${FIG[$1]:-n/a}"; }
{
  echo "Run $STAMP on $(nproc) cores ($(uname -m)); redis-server $v_redis (--save '' --appendonly no, loopback);"
  echo "python-rq $v_rq (redis-py $v_redispy, Python $v_python); BullMQ $v_bullmq (ioredis $v_ioredis, Node $v_node)."
  echo "Options: ${EXTRA[*]:-defaults (jobs 20000, rate 200/s for 20 s, BullMQ concurrency 8)}; all runs took ${ELAPSED_ALL} s;"
  echo "noise: other processes used $((OTHER_TOTAL / HZ)) CPU-s during the runs (of $((ELAPSED_ALL * $(nproc))) available); load average before ${LOAD_BEFORE}, after ${LOAD_AFTER}."
  echo
  echo "| workload | figure | Switchboard | python-rq $v_rq | BullMQ $v_bullmq |"
  echo "| --- | --- | ---: | ---: | ---: |"
  echo "| baseline | sequential RPUSH round trips/s (Lettuce, same server, same run) | $(f switchboard.enqueue.baseline_rpush_per_s) | | |"
  echo "| enqueue | jobs/s, one client, sequential | $(f switchboard.enqueue.jobs_per_s) | $(f rq.enqueue.jobs_per_s) | $(f bullmq.enqueue.jobs_per_s) |"
  echo "| process | jobs/s, one worker: Switchboard / BullMQ concurrency 8; rq \`Worker\` (fork per job) | $(f switchboard.process.jobs_per_s) | $(f rq.process.jobs_per_s) | $(f bullmq.process.jobs_per_s) |"
  echo "| process | jobs/s, one worker: Switchboard / BullMQ concurrency 1; rq \`SimpleWorker\` (no fork) | $(f switchboard.process.jobs_per_s_c1) | $(f rq.process.simple_jobs_per_s) | $(f bullmq.process.jobs_per_s_c1) |"
  echo "| latency | p50 ms (enqueue to job start) | $(f switchboard.latency.p50_ms) | $(f rq.latency.p50_ms) | $(f bullmq.latency.p50_ms) |"
  echo "| latency | p95 ms | $(f switchboard.latency.p95_ms) | $(f rq.latency.p95_ms) | $(f bullmq.latency.p95_ms) |"
  echo "| latency | p99 ms | $(f switchboard.latency.p99_ms) | $(f rq.latency.p99_ms) | $(f bullmq.latency.p99_ms) |"
  echo "| latency | jobs measured | $(f switchboard.latency.jobs) | $(f rq.latency.jobs) | $(f bullmq.latency.jobs) |"
  for w in enqueue process latency; do
    echo "| noise | $w: CPU-s used by other processes / wall s of the run | $(f switchboard.$w.other_cpu_s) | $(f rq.$w.other_cpu_s) | $(f bullmq.$w.other_cpu_s) |"
  done
} | tee "$OUT/table.md"
exit "$FAILED"

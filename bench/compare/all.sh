#!/usr/bin/env bash
# Runs every comparison workload of Switchboard, BullMQ and python-rq against one private,
# throw-away redis-server on a free loopback port (never 6379), flushing it between runs, in
# ROUNDS rounds (default 3) that interleave the systems (round 1: switchboard, bullmq, rq; round
# 2: bullmq, rq, switchboard; ...), so a noisy minute hurts every system alike; each figure is the
# median of its rounds. Redis commands per job come from INFO commandstats (which counts the
# commands run inside scripts) before and after each run. Prints a Markdown table with ratios to
# BullMQ on stdout; progress goes to stderr; raw output stays in bench/compare/results/<UTC time>/.
#   bench/compare/all.sh [--jobs N] [--seconds S] [--concurrency C]
# The options, if given, are passed to every run; latency runs at 200 and at 2000 jobs/s.
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
commands() { redis-cli -p "$PORT" info commandstats | sed -n 's/^cmdstat_[^:]*:calls=\([0-9]*\),.*/\1/p' | awk '{s+=$1} END {print s+0}'; }
JOBS=20000
CONC=8
for ((i = 0; i < ${#EXTRA[@]}; i++)); do
  [ "${EXTRA[$i]}" = --jobs ] && JOBS="${EXTRA[$((i + 1))]}"
  [ "${EXTRA[$i]}" = --concurrency ] && CONC="${EXTRA[$((i + 1))]}"
done
ROUNDS="${ROUNDS:-3}"
OTHER_TOTAL=0
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A FIG   # FIG[system.workload.name]="value value value" (one per round)
FAILED=0
T_ALL=$SECONDS
# Build Switchboard first, so its build is not timed or counted as noise.
"$HERE/../../switchboard" bench --help >/dev/null 2>&1 || true
SYSTEMS=(switchboard bullmq rq)
run_one() {  # system workload label [extra options...]
  local system="$1" workload="$2" label="$3"; shift 3
  redis-cli -p "$PORT" flushall >/dev/null   # our private server only
  redis-cli -p "$PORT" config resetstat >/dev/null
  log "round $round: $system $label ..."
  local t=$SECONDS busy0 own0 calls other
  busy0="$(cpu_busy)" own0="$(cpu_own)"
  if "$HERE/run.sh" "$system" "$workload" --redis-url "$URL" "${EXTRA[@]}" "$@" \
      >"$OUT/$round-$system-$label.out" 2>"$OUT/$round-$system-$label.err"; then
    calls="$(commands)"
    while IFS='=' read -r name value; do
      [ "$name" = simple_jobs_per_s ] && name=jobs_per_s_c1   # rq's SimpleWorker: its concurrency-1 figure
      [ -n "$name" ] && FIG["$system.$label.$name"]+="$value "
    done <"$OUT/$round-$system-$label.out"
    FIG["$system.$label.redis_commands"]+="$calls "
    other=$(( ($(cpu_busy) - busy0) - ($(cpu_own) - own0) ))
    [ "$other" -lt 0 ] && other=0
    OTHER_TOTAL=$((OTHER_TOTAL + other))
    log "round $round: $system $label done in $((SECONDS - t)) s ($calls Redis commands; other processes used $((other / HZ)) CPU-s): $(tr '\n' ' ' <"$OUT/$round-$system-$label.out")"
  else
    FAILED=1
    log "round $round: $system $label FAILED after $((SECONDS - t)) s; last lines of its stderr:"
    tail -n 5 "$OUT/$round-$system-$label.err" >&2
  fi
}
for ((round = 1; round <= ROUNDS; round++)); do
  for workload in enqueue bulk process latency latency2000; do
    for ((k = 0; k < ${#SYSTEMS[@]}; k++)); do
      system="${SYSTEMS[$(((k + round - 1) % ${#SYSTEMS[@]}))]}"
      case "$workload" in
        latency) run_one "$system" latency latency --rate 200 ;;
        latency2000) [ "$system" = rq ] || run_one "$system" latency latency2000 --rate 2000 ;;  # rq's forking worker cannot keep up
        *) run_one "$system" "$workload" "$workload" ;;
      esac
    done
  done
done
ELAPSED_ALL=$((SECONDS - T_ALL))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
log "all runs took $ELAPSED_ALL s"

v_rq="$("$PYTHON" -c 'import rq; print(rq.__version__)')"
v_bullmq="$(node -p 'require("'"$HERE"'/bullmq/node_modules/bullmq/package.json").version')"
v_redis="$("$REDIS_SERVER" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')"

median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
f() { median "${FIG[$1]:-}"; }
num() { awk -v v="$1" 'BEGIN {printf (v == "n/a" ? "n/a" : (v >= 100 ? "%.0f" : "%.2f")), v}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a" || b == 0) print "n/a"; else printf "%.2f×", a / b}'; }
# Redis commands per job: enqueue and bulk runs enqueue JOBS jobs; a process run prefills (bulk)
# and drains JOBS jobs twice (concurrency C and 1), so its own share is calls/(2 JOBS) minus the
# bulk share; over a job's life = enqueue (one add) + process. Switchboard's figures exclude the
# RPUSH baseline its bench also runs, so they come from its own before/after count.
per_job() {  # system
  local s="$1" enq proc bulk
  if [ "$s" = switchboard ]; then
    enq="$(f switchboard.enqueue.commands_per_job)"; proc="$(f switchboard.process.commands_per_job)"
  else
    enq="$(awk -v c="$(f "$s.enqueue.redis_commands")" -v n="$JOBS" 'BEGIN {print c / n}')"
    bulk="$(awk -v c="$(f "$s.bulk.redis_commands")" -v n="$JOBS" 'BEGIN {print c / n}')"
    proc="$(awk -v c="$(f "$s.process.redis_commands")" -v n="$JOBS" -v b="$bulk" 'BEGIN {print c / (2 * n) - b}')"
  fi
  awk -v e="$enq" -v p="$proc" 'BEGIN {printf "%.1f (enqueue %.1f + processing %.1f)", e + p, e, p}'
}
row() {  # label key-suffix better(higher|lower)
  local sb bm rq
  sb="$(f "switchboard.$2")" bm="$(f "bullmq.$2")" rq="$(f "rq.$2")"
  echo "| $1 | $(num "$sb") | $(num "$bm") | $(num "$rq") | $(ratio "$sb" "$bm") |"
}
{
  echo "Run $STAMP on $(nproc) cores ($(uname -m)), $(uname -n); redis-server $v_redis (--save '' --appendonly no, loopback);"
  echo "BullMQ $v_bullmq, python-rq $v_rq. $ROUNDS interleaved rounds, medians; jobs per run $JOBS; options: ${EXTRA[*]:-defaults}; all runs took ${ELAPSED_ALL} s."
  echo "Noise: other processes used $((OTHER_TOTAL / HZ)) CPU-s during the runs (of $((ELAPSED_ALL * $(nproc))) available); load average before ${LOAD_BEFORE}, after ${LOAD_AFTER}."
  echo
  echo "| figure (median of $ROUNDS) | Switchboard | BullMQ | python-rq | Switchboard / BullMQ |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  row "enqueue jobs/s (one client, each awaited)" enqueue.jobs_per_s
  row "bulk enqueue jobs/s (chunks of 1000)" bulk.jobs_per_s
  row "process jobs/s (one worker, concurrency $CONC; rq: forking Worker)" process.jobs_per_s
  row "process jobs/s (concurrency 1; rq: SimpleWorker)" process.jobs_per_s_c1
  row "latency p50 ms at 200 jobs/s (enqueue to start)" latency.p50_ms
  row "latency p99 ms at 200 jobs/s" latency.p99_ms
  row "latency p50 ms at 2000 jobs/s" latency2000.p50_ms
  row "latency p99 ms at 2000 jobs/s" latency2000.p99_ms
  echo "| Redis commands per job over its life | $(per_job switchboard) | $(per_job bullmq) | $(per_job rq) | |"
} | tee "$OUT/table.md"
exit "$FAILED"

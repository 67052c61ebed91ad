#!/usr/bin/env bash
# Same-run A/B of two builds' calls processes under one `bench calls` tool (this checkout's),
# interleaved A, B, A, B, ... on one private redis-server. Each build is a checkout where
# `./mvnw -o -q package -DskipTests -pl roles/all -am` has run (roles/all/target/modules/*.jar).
#
#   bench/calls-ab.sh /path/to/checkout-a /path/to/checkout-b [rounds=2] [calls=50] [seconds=30]
#
# Example (this morning's build against the current one):
#   git worktree add /tmp/old <rev> && (cd /tmp/old && ./mvnw -o -q package -DskipTests -pl roles/all -am)
#   bench/calls-ab.sh /tmp/old . 2 50 30
# Prints the answer and frame figures per build and round. Needs redis-server and curl.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/.mvn/find-jdk.sh"
a=$(cd "$1" && pwd); b=$(cd "$2" && pwd); rounds=${3:-2}; calls=${4:-50}; seconds=${5:-30}
redis_port=6390; calls_port=18790; speech_port=50999
redis-server --port $redis_port --save '' --appendonly no --daemonize yes >/dev/null
trap 'redis-cli -p $redis_port shutdown nosave >/dev/null 2>&1 || true' EXIT
for round in $(seq 1 "$rounds"); do
  for side in A B; do
    dir=$a; [ "$side" = B ] && dir=$b
    cp=$(ls "$dir"/roles/all/target/modules/*.jar | tr '\n' ':')
    SERVICE_ROLE=calls REDIS_URL=redis://127.0.0.1:$redis_port PORT=$calls_port TWILIO_NUMBERS=+15550000000:_bench \
      GOOGLE_SPEECH_ENDPOINT=127.0.0.1:$speech_port LOG_LEVEL=WARN LOG_FORMAT=text \
      "$JAVA_HOME/bin/java" -Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError -cp "$cp" dev.switchboard.roles.calls.CallsRole \
      > "/tmp/calls-ab-$side-$round.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$calls_port/health" >/dev/null && break; sleep 0.5; done
    "$root/switchboard" bench calls --calls "$calls" --seconds "$seconds" --calls-url "http://127.0.0.1:$calls_port" \
        --speech-port $speech_port --redis-url "redis://127.0.0.1:$redis_port" 2>/dev/null \
      | grep -E '^(answer_|answers_|frame_handling_p99|client_send_lag_p99|calls_process_cpu)' | sed "s/^/$side round $round: /"
    kill $pid; wait $pid 2>/dev/null || true
  done
done

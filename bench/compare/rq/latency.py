"""python-rq `latency`: a producer enqueues at an offered rate R jobs/s for S seconds while one
SimpleWorker (separate process) consumes. Each job's argument is its enqueue timestamp
(wall clock ms, taken just before Queue.enqueue); the job records start time minus that.
Prints nearest-rank p50/p95/p99 in ms over all R*S jobs and the count."""
import json
import os
import subprocess
import sys
import tempfile
import time

from redis import Redis
from rq import Queue, Worker

import bench_jobs
from common import HERE, emit, log, parse_args, percentile, unique_queue_name


def main():
    a = parse_args(__doc__)
    total = int(round(a.rate * a.seconds))
    conn = Redis.from_url(a.redis_url)
    conn.ping()
    q = Queue(unique_queue_name("latency"), connection=conn)
    fd, out = tempfile.mkstemp(prefix="rq-latency-", suffix=".json")
    os.close(fd)
    worker = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "latency_worker.py"), "--redis-url", a.redis_url,
         "--queue", q.name, "--max-jobs", str(total), "--out", out],
        stdout=sys.stderr)
    try:
        # Wait until the worker has registered itself on the queue, then let it settle
        # into its blocking dequeue.
        deadline = time.monotonic() + 30
        while Worker.count(queue=q) < 1:
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("rq latency: worker did not start")
            time.sleep(0.05)
        time.sleep(0.5)

        log("rq latency: queue=%s rate=%g/s seconds=%g jobs=%d" % (q.name, a.rate, a.seconds, total))
        interval = 1.0 / a.rate
        late = 0
        t0 = time.perf_counter()
        for i in range(total):
            delay = t0 + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.005:
                late += 1
            q.enqueue(bench_jobs.latency, time.time() * 1000.0)
        produced = time.perf_counter() - t0
        log("rq latency: produced %d jobs in %.3f s (achieved %.1f/s, %d sent >5 ms late)"
            % (total, produced, total / produced, late))
        rc = worker.wait(timeout=max(60.0, a.seconds * 3))
        if rc != 0:
            raise SystemExit("rq latency: worker exited with %d" % rc)
        with open(out) as f:
            lat = sorted(json.load(f))
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait()
        os.unlink(out)
    if len(lat) != total:
        raise SystemExit("rq latency: expected %d measurements, got %d" % (total, len(lat)))
    log("rq latency: min %.2f ms, max %.2f ms" % (lat[0], lat[-1]))
    emit("p50_ms", percentile(lat, 50))
    emit("p95_ms", percentile(lat, 95))
    emit("p99_ms", percentile(lat, 99))
    emit("jobs", len(lat))


if __name__ == "__main__":
    main()

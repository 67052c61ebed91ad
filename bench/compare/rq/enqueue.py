"""python-rq `enqueue`: one client enqueues N no-op jobs, one Queue.enqueue() call at a time."""
import time

from redis import Redis
from rq import Queue

import bench_jobs
from common import emit, log, parse_args, unique_queue_name


def main():
    a = parse_args(__doc__)
    conn = Redis.from_url(a.redis_url)
    conn.ping()  # connect before the clock starts
    q = Queue(unique_queue_name("enqueue"), connection=conn)
    log("rq enqueue: queue=%s jobs=%d" % (q.name, a.jobs))
    t0 = time.perf_counter()
    for _ in range(a.jobs):
        q.enqueue(bench_jobs.noop)
    elapsed = time.perf_counter() - t0
    n = len(q)
    if n != a.jobs:
        raise SystemExit("rq enqueue: expected %d jobs on the queue, found %d" % (a.jobs, n))
    log("rq enqueue: %d jobs in %.3f s" % (a.jobs, elapsed))
    emit("jobs_per_s", a.jobs / elapsed)


if __name__ == "__main__":
    main()

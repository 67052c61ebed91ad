"""python-rq `bulk`: one client enqueues N no-op jobs with Queue.enqueue_many in chunks of 1000."""
import time

from redis import Redis
from rq import Queue

import bench_jobs
from common import emit, log, parse_args, unique_queue_name

CHUNK = 1000


def main():
    a = parse_args(__doc__)
    conn = Redis.from_url(a.redis_url)
    conn.ping()  # connect before the clock starts
    q = Queue(unique_queue_name("bulk"), connection=conn)
    log("rq bulk: queue=%s jobs=%d chunk=%d" % (q.name, a.jobs, CHUNK))
    t0 = time.perf_counter()
    for done in range(0, a.jobs, CHUNK):
        k = min(CHUNK, a.jobs - done)
        q.enqueue_many([Queue.prepare_data(bench_jobs.noop) for _ in range(k)])
    elapsed = time.perf_counter() - t0
    n = len(q)
    if n != a.jobs:
        raise SystemExit("rq bulk: expected %d jobs on the queue, found %d" % (a.jobs, n))
    log("rq bulk: %d jobs in %.3f s" % (a.jobs, elapsed))
    emit("jobs_per_s", a.jobs / elapsed)


if __name__ == "__main__":
    main()

"""python-rq `process`: N no-op jobs are queued first (untimed); then ONE worker drains them.

Timed from just before the worker is constructed and started (Worker(...).work(burst=True))
until work() returns, which in burst mode happens right after the last job finished and the
queue was found empty. Run twice on separate queues: the default forking Worker
(jobs_per_s) and SimpleWorker, which runs jobs in the worker process (simple_jobs_per_s).
"""
import time

from redis import Redis
from rq import Queue, SimpleWorker, Worker

import bench_jobs
from common import emit, log, parse_args, unique_queue_name

PREFILL_CHUNK = 1000


def prefill(q, n):
    # Untimed. enqueue_many (one MULTI pipeline per chunk) only to keep the untimed part short;
    # the jobs are the same as Queue.enqueue(bench_jobs.noop) makes.
    done = 0
    while done < n:
        k = min(PREFILL_CHUNK, n - done)
        q.enqueue_many([Queue.prepare_data(bench_jobs.noop) for _ in range(k)])
        done += k
    if len(q) != n:
        raise SystemExit("rq process: prefill put %d jobs on %s, expected %d" % (len(q), q.name, n))


def run(conn, worker_class, jobs):
    q = Queue(unique_queue_name("process"), connection=conn)
    prefill(q, jobs)
    log("rq process: %s draining %d jobs from %s" % (worker_class.__name__, jobs, q.name))
    t0 = time.perf_counter()
    w = worker_class([q], connection=conn)
    # WARNING level = `rq worker --quiet`: INFO would log two lines per job to stderr.
    w.work(burst=True, logging_level="WARNING")
    elapsed = time.perf_counter() - t0
    finished, failed, left = q.finished_job_registry.count, q.failed_job_registry.count, len(q)
    log("rq process: %s: %d jobs in %.3f s (finished=%d failed=%d left=%d)"
        % (worker_class.__name__, jobs, elapsed, finished, failed, left))
    if finished != jobs or failed or left:
        raise SystemExit("rq process: %s did not finish every job" % worker_class.__name__)
    return jobs / elapsed


def main():
    a = parse_args(__doc__)
    conn = Redis.from_url(a.redis_url)
    conn.ping()
    emit("jobs_per_s", run(conn, Worker, a.jobs))
    emit("simple_jobs_per_s", run(conn, SimpleWorker, a.jobs))


if __name__ == "__main__":
    main()

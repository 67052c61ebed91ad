"""Worker half of the python-rq `latency` workload: one SimpleWorker (no fork) that runs
exactly --max-jobs jobs from --queue, then writes the latencies its jobs recorded
(bench_jobs.LATENCIES) as JSON to --out. Started by latency.py; not meant to be run alone."""
import argparse
import json

from redis import Redis
from rq import Queue, SimpleWorker

import bench_jobs


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--redis-url", required=True)
    p.add_argument("--queue", required=True)
    p.add_argument("--max-jobs", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    conn = Redis.from_url(a.redis_url)
    w = SimpleWorker([Queue(a.queue, connection=conn)], connection=conn)
    # Not burst: the queue is often momentarily empty at the offered rate. max_jobs ends it.
    w.work(max_jobs=a.max_jobs, logging_level="WARNING")
    with open(a.out, "w") as f:
        json.dump(bench_jobs.LATENCIES, f)


if __name__ == "__main__":
    main()

"""Shared helpers for the python-rq comparison benchmarks (stdlib + redis-py only)."""
import argparse
import math
import os
import sys
import uuid

DEFAULTS = dict(jobs=20000, rate=200.0, seconds=20.0, concurrency=8)


def parse_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--redis-url", required=True,
                   help="e.g. redis://127.0.0.1:6390/0 -- use a scratch Redis: job data is left behind")
    p.add_argument("--jobs", type=int, default=DEFAULTS["jobs"])
    p.add_argument("--rate", type=float, default=DEFAULTS["rate"])
    p.add_argument("--seconds", type=float, default=DEFAULTS["seconds"])
    p.add_argument("--concurrency", type=int, default=DEFAULTS["concurrency"],
                   help="ignored by python-rq (one rq worker runs one job at a time)")
    a = p.parse_args()
    if a.jobs < 1 or a.rate <= 0 or a.seconds <= 0:
        p.error("--jobs, --rate and --seconds must be positive")
    return a


def unique_queue_name(workload):
    # A fresh queue per run, so leftovers of an earlier run are never counted.
    return "bench-%s-%s" % (workload, uuid.uuid4().hex[:8])


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def emit(name, value):
    """The only thing a benchmark prints on stdout: one `name=value` line per figure."""
    if isinstance(value, float):
        value = "%.2f" % value
    sys.stdout.write("%s=%s\n" % (name, value))
    sys.stdout.flush()


def percentile(sorted_values, p):
    """Nearest-rank percentile: the ceil(p/100 * n)-th smallest value (same rule as the BullMQ scripts)."""
    n = len(sorted_values)
    if n == 0:
        return float("nan")
    rank = max(1, math.ceil(p / 100.0 * n))
    return sorted_values[rank - 1]


HERE = os.path.dirname(os.path.abspath(__file__))

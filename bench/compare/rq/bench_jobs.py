"""Job functions for the python-rq comparison benchmarks.

The worker imports these by dotted name (``bench_jobs.noop``), so this module
must be importable on the worker's sys.path (the scripts in this directory
put it there by being run from it).
"""
import time

# Latencies (ms) measured by latency() in *this* process. Only meaningful with a
# non-forking worker (SimpleWorker): the latency worker dumps this list to a
# file after its last job.
LATENCIES = []


def noop():
    """Does nothing, returns None."""
    return None


def latency(enqueued_at_ms):
    """Records (now - enqueued_at_ms) in ms, wall clock, at the start of the job.

    Appending to an in-process list costs well under a microsecond and does no
    I/O, so it does not distort the timing of the following jobs.
    """
    LATENCIES.append(time.time() * 1000.0 - enqueued_at_ms)
    return None

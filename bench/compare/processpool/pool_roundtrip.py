#!/usr/bin/env python3
# Per-job cost of the recipe's concurrent.futures.ProcessPoolExecutor (recipes 12.8-12.9) on a tiny job.
#   roundtrip JOBS:          one worker, submit(f, i).result() one after another: the latency of one job.
#   throughput JOBS WORKERS: every job submitted at once, then every result waited for: the cost per job in bulk.
# Usage: pool_roundtrip.py roundtrip|throughput JOBS [WORKERS] [REPEATS]; prints the median microseconds per job.
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def add_one(n):
    return n + 1


def roundtrip(pool, jobs):
    start = time.perf_counter()
    for i in range(jobs):
        assert pool.submit(add_one, i).result() == i + 1
    return time.perf_counter() - start


def throughput(pool, jobs):
    start = time.perf_counter()
    futures = [pool.submit(add_one, i) for i in range(jobs)]
    assert sum(f.result() for f in futures) == sum(range(1, jobs + 1))
    return time.perf_counter() - start


if __name__ == '__main__':
    mode, jobs = sys.argv[1], int(sys.argv[2])
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    run = roundtrip if mode == 'roundtrip' else throughput
    with ProcessPoolExecutor(max_workers=1 if mode == 'roundtrip' else workers) as pool:
        run(pool, max(100, jobs // 10))  # warm-up: workers started, code paths hot
        times = [run(pool, jobs) for _ in range(repeats)]
    print(f'{statistics.median(times) / jobs * 1e6:.2f}')

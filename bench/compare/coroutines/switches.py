#!/usr/bin/env python3
# Switches per second of the seed's recipe 12.12 TaskScheduler (copied unchanged from
# /work/shared/seed, recipe 12.12), with the countdown generator minus its print, which would
# measure the terminal instead of the scheduler.
# Usage: switches.py [TASKS] [YIELDS_EACH] [REPEATS]; prints the median switches per second of wall time,
# then of the process's CPU time.
import statistics
import sys
import time
from collections import deque


class TaskScheduler:
    def __init__(self):
        self._task_queue = deque()

    def new_task(self, task):
        '''
        Admit a newly started task to the scheduler
        '''
        self._task_queue.append(task)

    def run(self):
        '''
        Run until there are no more tasks
        '''
        while self._task_queue:
            task = self._task_queue.popleft()
            try:
                # Run until the next yield statement
                next(task)
                self._task_queue.append(task)
            except StopIteration:
                # Generator is no longer executing
                pass


def countdown(n):
    while n > 0:
        yield
        n -= 1


def measure(tasks, yields_each):
    sched = TaskScheduler()
    for _ in range(tasks):
        sched.new_task(countdown(yields_each))
    start, cpu = time.perf_counter(), time.process_time()
    sched.run()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    # Each generator is resumed yields_each times to a yield, then once more to its end.
    switches = tasks * (yields_each + 1)
    return switches / elapsed, switches / cpu


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    yields_each = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    measure(tasks, 100)
    runs = [measure(tasks, yields_each) for _ in range(repeats)]
    print(f"{statistics.median(r[0] for r in runs):.0f} {statistics.median(r[1] for r in runs):.0f}")


main()

#!/usr/bin/env python3
# Switches per second of the seed's recipe 12.12 TaskScheduler (copied unchanged from
# /work/shared/seed, recipe 12.12), with the countdown generator minus its print, which would
# measure the terminal instead of the scheduler.
# Usage: switches.py [TASKS] [YIELDS_EACH] [REPEATS]; prints the median switches per second.
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
    start = time.perf_counter()
    sched.run()
    elapsed = time.perf_counter() - start
    # Each generator is resumed yields_each times to a yield, then once more to its end.
    return tasks * (yields_each + 1) / elapsed


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    yields_each = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    measure(tasks, 100)
    print(f"{statistics.median(measure(tasks, yields_each) for _ in range(repeats)):.0f}")


main()

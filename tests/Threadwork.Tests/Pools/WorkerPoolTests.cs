using Threadwork.Pools;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Pools;

public sealed class WorkerPoolTests
{
    [Fact]
    public void Submit_runs_the_function_on_a_named_pool_thread_and_returns_its_result()
    {
        using var pool = new WorkerPool(3, "fetch");
        var result = pool.Submit(() => (Thread.CurrentThread.Name, 6 * 7));
        Assert.True(result.Wait(Wait.Bound));
        Assert.Equal(42, result.Result.Item2);
        Assert.Matches(@"^fetch-[123]$", result.Result.Name);
        Assert.Equal("fetch", pool.Name);
        Assert.Equal(3, pool.ThreadCount);
    }

    [Fact]
    public void Every_job_submitted_from_several_threads_runs_exactly_once()
    {
        const int Submitters = 4;
        const int PerSubmitter = 10_000;
        var runs = new int[Submitters * PerSubmitter];
        using var pool = new WorkerPool(4, backlogCapacity: 64);
        var tasks = new Task[Submitters * PerSubmitter];
        Parallel.For(0, Submitters, new ParallelOptions { MaxDegreeOfParallelism = Submitters }, s =>
        {
            for (var i = 0; i < PerSubmitter; i++)
            {
                var id = (s * PerSubmitter) + i;
                tasks[id] = pool.Submit(() => Interlocked.Increment(ref runs[id]));
            }
        });
        Assert.True(Task.WaitAll(tasks, Wait.Bound));
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void A_throwing_job_faults_its_task_and_the_pool_keeps_every_thread()
    {
        using var pool = new WorkerPool(4);
        var tasks = Enumerable.Range(0, 100)
            .Select(i => pool.Submit(() => i % 3 == 0 ? throw new FormatException($"job {i}") : i))
            .ToArray();
        Assert.True(Task.WhenAll(tasks).ContinueWith(_ => { }, TaskScheduler.Default).Wait(Wait.Bound));
        for (var i = 0; i < tasks.Length; i++)
        {
            if (i % 3 == 0)
            {
                Assert.Equal($"job {i}", Assert.IsType<FormatException>(tasks[i].Exception!.InnerException).Message);
            }
            else
            {
                Assert.Equal(i, tasks[i].Result);
            }
        }

        // Four jobs that each wait until all four run at once: only possible if all four threads survived.
        using var together = new CountdownEvent(4);
        var meet = Enumerable.Range(0, 4).Select(_ => pool.Submit(() =>
        {
            together.Signal();
            return together.Wait(Wait.Bound);
        })).ToArray();
        Assert.True(Task.WaitAll(meet, Wait.Bound));
        Assert.All(meet, m => Assert.True(m.Result));
    }

    [Fact]
    public void Counts_show_the_running_and_the_queued_jobs()
    {
        using var gate = new ManualResetEventSlim();
        using var running = new CountdownEvent(2);
        using var pool = new WorkerPool(2);
        var blockers = Enumerable.Range(0, 2).Select(_ => pool.Submit(() =>
        {
            running.Signal();
            gate.Wait(Wait.Bound);
        })).ToArray();
        Assert.True(running.Wait(Wait.Bound));
        var queued = Enumerable.Range(0, 3).Select(i => pool.Submit(() => i)).ToArray();
        Assert.Equal(2, pool.RunningCount);
        Assert.Equal(3, pool.QueuedCount);

        gate.Set();
        Assert.True(Task.WaitAll([.. blockers, .. queued], Wait.Bound));
        Wait.Until(() => pool.RunningCount == 0, "the threads have finished the last job");
        Assert.Equal(0, pool.QueuedCount);
    }

    [Fact]
    public void A_full_backlog_blocks_the_submitter_until_its_token_ends_the_wait_and_then_the_job_is_not_queued()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var ran = 0;
        using var pool = new WorkerPool(1, backlogCapacity: 2);
        var blocker = pool.Submit(() =>
        {
            started.Set();
            gate.Wait(Wait.Bound);
        });
        Assert.True(started.Wait(Wait.Bound));
        var queued = new[] { pool.Submit(() => Interlocked.Increment(ref ran)), pool.Submit(() => Interlocked.Increment(ref ran)) };

        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => { _ = pool.Submit(() => Interlocked.Increment(ref ran), giveUp.Token); });
        Assert.Equal(2, pool.QueuedCount);

        // A submit that waits for room gets it once the thread takes the next job.
        var waiting = Task.Run(() => pool.Submit(() => Interlocked.Increment(ref ran)));
        gate.Set();
        Assert.True(Task.WaitAll([blocker, .. queued, waiting], Wait.Bound));
        Assert.Equal(3, Volatile.Read(ref ran));
    }

    [Fact]
    public void Cancelling_the_submit_token_cancels_a_queued_job_at_once_and_it_never_runs()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var ran = false;
        using var pool = new WorkerPool(1);
        var blocker = pool.Submit(() =>
        {
            started.Set();
            gate.Wait(Wait.Bound);
        });
        Assert.True(started.Wait(Wait.Bound));
        using var cancel = new CancellationTokenSource();
        var job = pool.Submit(() => ran = true, cancel.Token);
        cancel.Cancel();
        Assert.True(job.ContinueWith(_ => { }, TaskScheduler.Default).Wait(Wait.Bound));
        Assert.True(job.IsCanceled);

        gate.Set();
        Assert.True(blocker.Wait(Wait.Bound));
        pool.Shutdown();
        Assert.False(ran);
    }

    [Fact]
    public void Map_yields_results_in_input_order_while_reading_at_most_the_look_ahead_beyond_what_was_consumed()
    {
        var pulled = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return i;
            }
        }

        using var pool = new WorkerPool(4);
        var consumed = 0;
        var random = new Random(7);
        var delays = Enumerable.Range(0, 200).Select(_ => random.Next(3)).ToArray();
        foreach (var square in pool.Map(Source(), i =>
        {
            Thread.Sleep(delays[i]);
            return i * i;
        }, lookAhead: 5))
        {
            Assert.Equal(consumed * consumed, square);
            consumed++;
            Assert.InRange(Volatile.Read(ref pulled), consumed, consumed + 5);
        }

        Assert.Equal(200, consumed);
    }

    [Fact]
    public void Map_rethrows_a_failed_item_when_its_turn_comes_after_the_results_before_it()
    {
        using var pool = new WorkerPool(2);
        var seen = new List<int>();
        var error = Assert.Throws<FormatException>(() =>
        {
            foreach (var value in pool.Map(Enumerable.Range(0, 10), i => i == 6 ? throw new FormatException("item 6") : i))
            {
                seen.Add(value);
            }
        });
        Assert.Equal("item 6", error.Message);
        Assert.Equal([0, 1, 2, 3, 4, 5], seen);
    }

    [Fact]
    public void Leaving_a_map_early_cancels_the_items_still_queued()
    {
        using var gate = new ManualResetEventSlim();
        using var secondStarted = new ManualResetEventSlim();
        var ran = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var pool = new WorkerPool(1);
        using (var results = pool.Map(Enumerable.Range(0, 10), i =>
        {
            ran.Add(i);
            if (i == 1)
            {
                secondStarted.Set();
                gate.Wait(Wait.Bound);
            }

            return i;
        }, lookAhead: 10).GetEnumerator())
        {
            Assert.True(results.MoveNext());
            Assert.Equal(0, results.Current);
            Assert.True(secondStarted.Wait(Wait.Bound));
        }

        gate.Set();
        pool.Shutdown();
        Assert.Equal([0, 1], ran.Order());
    }

    [Fact]
    public void Shutdown_runs_the_queued_jobs_refuses_new_ones_and_waits_for_all()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var pool = new WorkerPool(1, "tidy");
        var blocker = pool.Submit(() =>
        {
            started.Set();
            gate.Wait(Wait.Bound);
        });
        Assert.True(started.Wait(Wait.Bound));
        var queued = Enumerable.Range(0, 5).Select(i => pool.Submit(() => i)).ToArray();
        var shutdown = pool.ShutdownAsync();
        Assert.True(pool.IsShutdown);
        var refused = Assert.Throws<InvalidOperationException>(() => { _ = pool.Submit(() => 99); });
        Assert.Equal("Worker pool 'tidy' is shut down; it accepts no new jobs.", refused.Message);
        Assert.False(shutdown.IsCompleted);

        gate.Set();
        Assert.True(shutdown.Wait(Wait.Bound));
        Assert.True(blocker.IsCompletedSuccessfully);
        Assert.Equal([0, 1, 2, 3, 4], queued.Select(t => t.Result));
        Assert.True(pool.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public void Shutdown_cancelling_queued_jobs_cancels_their_tasks_and_the_running_jobs_token()
    {
        using var started = new ManualResetEventSlim();
        var ranQueued = 0;
        var pool = new WorkerPool(1);
        var running = pool.Submit(token =>
        {
            started.Set();
            Task.Delay(Wait.Bound, token).GetAwaiter().GetResult();
        });
        Assert.True(started.Wait(Wait.Bound));
        var queued = Enumerable.Range(0, 5).Select(_ => pool.Submit(() => Interlocked.Increment(ref ranQueued))).ToArray();

        Assert.True(pool.Shutdown(Wait.Bound, cancelQueued: true));
        Assert.True(running.IsCanceled);
        Assert.All(queued, t => Assert.True(t.IsCanceled));
        Assert.Equal(0, ranQueued);
    }

    [Fact]
    public void Dispose_cancels_queued_jobs_and_waits_for_the_running_one_to_return()
    {
        using var gate = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var pool = new WorkerPool(1);
        var running = pool.Submit(() =>
        {
            started.Set();
            gate.Wait(Wait.Bound);
            return "done";
        });
        Assert.True(started.Wait(Wait.Bound));
        var queued = pool.Submit(() => "never");
        var dispose = Task.Run(pool.Dispose);
        Wait.Until(() => queued.IsCompleted, "the queued job is cancelled");
        Assert.True(queued.IsCanceled);
        Assert.False(dispose.IsCompleted);
        gate.Set();
        Assert.True(dispose.Wait(Wait.Bound));
        Assert.Equal("done", running.Result);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, 0)]
    public void Bad_sizes_are_refused(int threads, int? backlog)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(threads, backlogCapacity: backlog));
    }
}

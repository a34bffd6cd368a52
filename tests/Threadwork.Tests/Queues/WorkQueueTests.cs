using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class WorkQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Exceptions thrown on threads the test started.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _threadFailures = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    public void Four_producers_and_four_consumers_deliver_a_million_items_exactly_once(int capacity)
    {
        const int Producers = 4, Consumers = 4, Total = 1_000_000, PerProducer = Total / Producers;
        var queue = capacity == 0 ? new WorkQueue<int>("million") : new WorkQueue<int>(capacity, "million");
        var seen = new int[Total];
        var sums = new long[Consumers];
        var counts = new int[Consumers];

        var consumers = Enumerable.Range(0, Consumers).Select(c => StartThread(() =>
        {
            foreach (var item in queue.Consume())
            {
                Interlocked.Increment(ref seen[item]);
                sums[c] += item;
                counts[c]++;
            }
        })).ToList();
        var producers = Enumerable.Range(0, Producers).Select(p => StartThread(() =>
        {
            for (var i = p * PerProducer; i < (p + 1) * PerProducer; i++)
            {
                queue.Put(i);
            }
        })).ToList();

        JoinAll(producers);
        queue.Close();
        JoinAll(consumers);

        Assert.Equal(Total, counts.Sum());
        Assert.Equal((long)Total * (Total - 1) / 2, sums.Sum());
        Assert.All(seen, n => Assert.Equal(1, n));
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public async Task Async_producers_and_consumers_deliver_every_item_exactly_once(int capacity)
    {
        const int Producers = 4, Consumers = 4, Total = 200_000, PerProducer = Total / Producers;
        var queue = capacity == 0 ? new WorkQueue<int>() : new WorkQueue<int>(capacity);
        var seen = new int[Total];

        var consumers = Enumerable.Range(0, Consumers).Select(_ => Task.Run(async () =>
        {
            var count = 0;
            await foreach (var item in queue.ConsumeAsync())
            {
                Interlocked.Increment(ref seen[item]);
                count++;
            }

            return count;
        })).ToList();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (var i = p * PerProducer; i < (p + 1) * PerProducer; i++)
            {
                await queue.PutAsync(i);
            }
        })).ToList();

        await Task.WhenAll(producers);
        queue.Close();
        var counts = await Task.WhenAll(consumers);

        Assert.Equal(Total, counts.Sum());
        Assert.All(seen, n => Assert.Equal(1, n));
    }

    [Fact]
    public void Items_come_out_in_the_order_they_were_put()
    {
        var queue = new WorkQueue<int>();
        for (var i = 0; i < 100; i++)
        {
            queue.Put(i);
        }

        Assert.Equal(Enumerable.Range(0, 100), Enumerable.Range(0, 100).Select(_ => queue.Get()));
    }

    [Fact]
    public async Task Close_wakes_every_blocked_consumer_sync_and_async()
    {
        var queue = new WorkQueue<int>("jobs");
        var failures = new QueueClosedException?[4];
        var threads = Enumerable.Range(0, 4).Select(i => StartThread(() =>
            failures[i] = Assert.Throws<QueueClosedException>(() => queue.Get()))).ToList();
        var asyncGets = Enumerable.Range(0, 3).Select(_ => queue.GetAsync().AsTask()).ToList();
        Assert.True(SpinWait.SpinUntil(() => queue.WaitingConsumers == 7, Patience));

        Assert.True(queue.Close());

        JoinAll(threads);
        Assert.All(failures, e => Assert.Equal("jobs", e!.QueueName));
        foreach (var get in asyncGets)
        {
            await Assert.ThrowsAsync<QueueClosedException>(() => get);
        }

        Assert.Equal(0, queue.WaitingConsumers);
    }

    [Fact]
    public void Close_still_delivers_queued_items_then_ends_the_consumer_loop()
    {
        var queue = new WorkQueue<string>();
        queue.Put("a");
        queue.Put("b");
        queue.Close();

        Assert.True(queue.IsClosed);
        Assert.Equal(["a", "b"], queue.Consume().ToList());
        Assert.False(queue.TryGet(out _));
    }

    [Fact]
    public async Task ConsumeAsync_ends_when_the_queue_is_closed_and_drained()
    {
        var queue = new WorkQueue<int>();
        var consumer = Task.Run(async () =>
        {
            var items = new List<int>();
            await foreach (var item in queue.ConsumeAsync())
            {
                items.Add(item);
            }

            return items;
        });
        await queue.PutAsync(1);
        await queue.PutAsync(2);
        queue.Close();

        Assert.Equal([1, 2], await consumer);
    }

    [Fact]
    public void Put_after_close_fails_with_the_queue_named()
    {
        var queue = new WorkQueue<int>("orders");
        queue.Close();

        var sync = Assert.Throws<QueueClosedException>(() => queue.Put(1));
        Assert.Contains("'orders'", sync.Message, StringComparison.Ordinal);
        Assert.Throws<QueueClosedException>(() => queue.TryPut(1));
        Assert.Throws<QueueClosedException>(() => queue.PutAsync(1).AsTask().GetAwaiter().GetResult());
        Assert.False(queue.Close());
    }

    [Fact]
    public async Task Close_wakes_blocked_producers_of_a_bounded_queue_and_their_items_are_not_put()
    {
        var queue = new WorkQueue<int>(1);
        queue.Put(0);
        var blocked = StartThread(() => Assert.Throws<QueueClosedException>(() => queue.Put(1)));
        var blockedAsync = queue.PutAsync(2).AsTask();
        Assert.True(SpinWait.SpinUntil(() => queue.WaitingProducers == 2, Patience));

        queue.Close();

        JoinAll([blocked]);
        await Assert.ThrowsAsync<QueueClosedException>(() => blockedAsync);
        Assert.Equal([0], queue.Consume().ToList());
        Assert.Equal(1, queue.UnfinishedTasks);
    }

    [Fact]
    public async Task Close_with_an_error_hands_it_to_consumers_once_drained()
    {
        var queue = new WorkQueue<int>();
        var error = new InvalidDataException("producer broke");
        queue.Put(7);
        queue.Close(error);

        var consumed = new List<int>();
        var fromLoop = Assert.Throws<QueueClosedException>(() =>
        {
            foreach (var item in queue.Consume())
            {
                consumed.Add(item);
            }
        });
        Assert.Equal([7], consumed);
        Assert.Same(error, fromLoop.InnerException);
        Assert.Same(error, Assert.Throws<QueueClosedException>(() => queue.Get()).InnerException);
        Assert.Same(error, (await Assert.ThrowsAsync<QueueClosedException>(() => queue.GetAsync().AsTask())).InnerException);
        var fromAsyncLoop = await Assert.ThrowsAsync<QueueClosedException>(async () =>
        {
            await foreach (var unused in queue.ConsumeAsync())
            {
            }
        });
        Assert.Same(error, fromAsyncLoop.InnerException);
        Assert.False(queue.TryGet(out _));
    }

    [Fact]
    public async Task Join_returns_only_after_the_last_TaskDone()
    {
        var queue = new WorkQueue<int>();
        for (var i = 0; i < 3; i++)
        {
            queue.Put(i);
        }

        var joined = queue.JoinAsync();
        for (var i = 0; i < 3; i++)
        {
            queue.Get();
        }

        queue.TaskDone();
        queue.TaskDone();
        Assert.Equal(1, queue.UnfinishedTasks);
        Assert.False(joined.IsCompleted);
        Assert.False(queue.Join(TimeSpan.Zero));

        queue.TaskDone();

        await joined.WaitAsync(Patience);
        queue.Join();
        Assert.Equal(0, queue.UnfinishedTasks);
    }

    [Fact]
    public void Join_waits_for_a_consumer_thread_that_marks_each_item_done()
    {
        var queue = new WorkQueue<int>(8);
        var done = 0;
        var consumer = StartThread(() =>
        {
            foreach (var unused in queue.Consume())
            {
                Interlocked.Increment(ref done);
                queue.TaskDone();
            }
        });
        for (var i = 0; i < 1000; i++)
        {
            queue.Put(i);
        }

        queue.Join();

        Assert.Equal(1000, Volatile.Read(ref done));
        queue.Close();
        JoinAll([consumer]);
    }

    [Fact]
    public void TaskDone_more_often_than_items_were_taken_is_an_error()
    {
        var queue = new WorkQueue<int>("work");
        queue.Put(1);
        queue.Put(2);

        var beforeAnyTake = Assert.Throws<InvalidOperationException>(queue.TaskDone);
        Assert.Contains("more times than items were taken from Queue 'work'", beforeAnyTake.Message, StringComparison.Ordinal);

        queue.Get();
        queue.TaskDone();
        Assert.Throws<InvalidOperationException>(queue.TaskDone);
        Assert.Equal(1, queue.UnfinishedTasks);
    }

    [Fact]
    public void Bounded_put_blocks_while_full_and_resumes_when_a_slot_frees()
    {
        var queue = new WorkQueue<int>(2);
        Assert.True(queue.TryPut(1));
        Assert.True(queue.TryPut(2));
        Assert.False(queue.TryPut(99));

        var producer = StartThread(() => queue.Put(3));
        Assert.True(SpinWait.SpinUntil(() => queue.WaitingProducers == 1, Patience));
        Assert.True(producer.IsAlive);
        Assert.Equal(2, queue.Count);

        Assert.Equal(1, queue.Get());

        JoinAll([producer]);
        Assert.Equal(2, queue.Count);
        Assert.Equal([2, 3], [queue.Get(), queue.Get()]);
        Assert.Equal(3, queue.UnfinishedTasks);
    }

    [Fact]
    public async Task Bounded_PutAsync_completes_when_a_slot_frees()
    {
        var queue = new WorkQueue<int>(1, "one");
        await queue.PutAsync(1);
        var put = queue.PutAsync(2).AsTask();
        Assert.False(put.IsCompleted);

        Assert.Equal(1, await queue.GetAsync());

        await put.WaitAsync(Patience);
        Assert.Equal(2, queue.Get());
    }

    [Fact]
    public async Task Timeouts_return_false_from_Try_methods_and_throw_TimeoutException_from_the_others()
    {
        var empty = new WorkQueue<int>("empty");
        Assert.False(empty.TryGet(TimeSpan.FromMilliseconds(20), out _));
        var get = Assert.Throws<TimeoutException>(() => empty.Get(TimeSpan.FromMilliseconds(20)));
        Assert.Contains("'empty'", get.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => empty.GetAsync(TimeSpan.FromMilliseconds(20)).AsTask());

        var full = new WorkQueue<int>(1);
        full.Put(1);
        Assert.False(full.TryPut(2, TimeSpan.FromMilliseconds(20)));
        Assert.Throws<TimeoutException>(() => full.Put(2, TimeSpan.FromMilliseconds(20)));
        await Assert.ThrowsAsync<TimeoutException>(() => full.PutAsync(2, TimeSpan.FromMilliseconds(20)).AsTask());

        Assert.Equal(0, empty.WaitingConsumers);
        Assert.Equal(0, full.WaitingProducers);
        Assert.Equal(1, full.Count);
        Assert.Equal(1, full.UnfinishedTasks);
    }

    [Fact]
    public void A_timed_get_returns_an_item_that_arrives_in_time()
    {
        var queue = new WorkQueue<int>();
        var producer = StartThread(() =>
        {
            SpinWait.SpinUntil(() => queue.WaitingConsumers == 1, Patience);
            queue.Put(42);
        });

        Assert.Equal(42, queue.Get(Patience));
        JoinAll([producer]);
    }

    [Fact]
    public void Bad_arguments_get_clear_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>("capacity", () => new WorkQueue<int>(0));
        var queue = new WorkQueue<int>();
        Assert.Throws<ArgumentOutOfRangeException>("timeout", () => queue.Get(TimeSpan.FromSeconds(-2)));
        Assert.Throws<ArgumentOutOfRangeException>("timeout", () => queue.TryPut(1, TimeSpan.FromDays(1000)));
        Assert.Throws<ArgumentNullException>("error", () => queue.Close(null!));
        Assert.Null(queue.Capacity);
        Assert.Equal(5, new WorkQueue<int>(5).Capacity);
    }

    [Fact]
    public async Task Cancelled_get_throws_and_leaves_later_items_for_others()
    {
        var queue = new WorkQueue<int>();
        using var cts = new CancellationTokenSource();
        var blocked = StartThread(() => Assert.ThrowsAny<OperationCanceledException>(() => queue.Get(cts.Token)));
        var blockedAsync = queue.GetAsync(cts.Token).AsTask();
        Assert.True(SpinWait.SpinUntil(() => queue.WaitingConsumers == 2, Patience));

        await cts.CancelAsync();

        JoinAll([blocked]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blockedAsync);
        Assert.Equal(0, queue.WaitingConsumers);
        queue.Put(5);
        Assert.Equal(5, queue.Get());
    }

    [Fact]
    public void A_get_cancelled_as_a_put_arrives_returns_the_item_or_leaves_it_queued()
    {
        const int Iterations = 3000;
        var queue = new WorkQueue<int>();
        var tokens = Enumerable.Range(0, Iterations).Select(_ => new CancellationTokenSource()).ToArray();
        using var barrier = new Barrier(3);
        var returned = 0;
        var cancelled = 0;
        var consumer = StartThread(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                barrier.SignalAndWait();
                try
                {
                    Assert.Equal(i, queue.Get(tokens[i].Token));
                    returned++;
                }
                catch (OperationCanceledException)
                {
                    cancelled++;
                }

                barrier.SignalAndWait();
            }
        });
        var canceller = StartThread(() =>
        {
            for (var i = 0; i < Iterations; i++)
            {
                barrier.SignalAndWait();
                tokens[i].Cancel();
                barrier.SignalAndWait();
            }
        });

        var left = 0;
        for (var i = 0; i < Iterations; i++)
        {
            barrier.SignalAndWait();
            queue.Put(i);
            barrier.SignalAndWait();
            while (queue.TryGet(out var item))
            {
                Assert.Equal(i, item);
                left++;
            }
        }

        JoinAll([consumer, canceller]);
        Assert.Equal(Iterations, returned + cancelled);
        Assert.Equal(cancelled, left);
        Assert.Equal(0, queue.WaitingConsumers);
        foreach (var cts in tokens)
        {
            cts.Dispose();
        }
    }

    [Fact]
    public async Task An_async_get_cancelled_as_a_put_arrives_never_loses_the_item()
    {
        const int Iterations = 3000;
        var queue = new WorkQueue<int>();
        var returned = 0;
        var left = 0;
        for (var i = 0; i < Iterations; i++)
        {
            using var cts = new CancellationTokenSource();
            var get = queue.GetAsync(cts.Token).AsTask();
            var put = Task.Run(() => queue.Put(i));
            var cancel = Task.Run(cts.Cancel);
            await Task.WhenAll(put, cancel);
            try
            {
                Assert.Equal(i, await get);
                returned++;
            }
            catch (OperationCanceledException)
            {
            }

            while (queue.TryGet(out var item))
            {
                Assert.Equal(i, item);
                left++;
            }
        }

        Assert.Equal(Iterations, returned + left);
        Assert.Equal(0, queue.WaitingConsumers);
    }

    [Fact]
    public async Task A_put_cancelled_as_a_slot_frees_is_either_in_the_queue_or_reported_cancelled()
    {
        const int Iterations = 3000;
        var queue = new WorkQueue<int>(1);
        var admitted = 0;
        var refused = 0;
        for (var i = 0; i < Iterations; i++)
        {
            queue.Put(-1);
            using var cts = new CancellationTokenSource();
            var put = queue.PutAsync(i, cts.Token).AsTask();
            var take = Task.Run(() => queue.Get());
            var cancel = Task.Run(cts.Cancel);
            await Task.WhenAll(take, cancel);
            Assert.Equal(-1, await take);
            var inQueue = queue.TryGet(out var item);
            try
            {
                await put;
                Assert.True(inQueue);
                Assert.Equal(i, item);
                admitted++;
            }
            catch (OperationCanceledException)
            {
                Assert.False(inQueue);
                refused++;
            }
        }

        Assert.Equal(Iterations, admitted + refused);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.WaitingProducers);
    }

    [Fact]
    public void A_sync_put_cancelled_as_a_slot_frees_is_either_in_the_queue_or_reported_cancelled()
    {
        const int Iterations = 2000;
        var queue = new WorkQueue<int>(1);
        var admitted = 0;
        var refused = 0;
        for (var i = 0; i < Iterations; i++)
        {
            queue.Put(-1);
            using var cts = new CancellationTokenSource();
            var outcome = 0;
            var producer = StartThread(() =>
            {
                try
                {
                    queue.Put(i, cts.Token);
                    outcome = 1;
                }
                catch (OperationCanceledException)
                {
                    outcome = 2;
                }
            });
            SpinWait.SpinUntil(() => queue.WaitingProducers == 1 || !producer.IsAlive, Patience);
            var canceller = StartThread(cts.Cancel);
            Assert.Equal(-1, queue.Get());
            JoinAll([canceller]);
            JoinAll([producer]);
            var inQueue = queue.TryGet(out var item);
            if (outcome == 1)
            {
                Assert.True(inQueue);
                Assert.Equal(i, item);
                admitted++;
            }
            else
            {
                Assert.Equal(2, outcome);
                Assert.False(inQueue);
                refused++;
            }
        }

        Assert.Equal(Iterations, admitted + refused);
        Assert.Equal(0, queue.WaitingProducers);
    }

    [Fact]
    public async Task Unbounded_put_never_waits_and_counters_track_the_work()
    {
        var queue = new WorkQueue<int>();
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(queue.TryPut(i));
        }

        Assert.Equal(10_000, queue.Count);
        Assert.Equal(10_000, queue.UnfinishedTasks);
        Assert.Equal(0, await queue.GetAsync());
        Assert.Equal(9_999, queue.Count);
        Assert.Equal(10_000, queue.UnfinishedTasks);
        Assert.False(queue.IsClosed);
    }

    [Fact]
    public async Task Lock_free_gets_racing_close_deliver_every_item_once_in_order_then_report_the_close()
    {
        const int Rounds = 300, Items = 400;
        for (var round = 0; round < Rounds; round++)
        {
            var queue = new WorkQueue<int>();
            var seen = new int[Items];

            // Each consumer checks the single producer's order; the producer closes the moment it is done.
            void Record(List<int> mine, int item)
            {
                Assert.True(mine.Count == 0 || mine[^1] < item, "items from one producer came out of order");
                mine.Add(item);
                Interlocked.Increment(ref seen[item]);
            }

            var sync = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    var mine = new List<int>();
                    foreach (var item in queue.Consume())
                    {
                        Record(mine, item);
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default));
            var async = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                var mine = new List<int>();
                await foreach (var item in queue.ConsumeAsync())
                {
                    Record(mine, item);
                }
            }));
            var consumers = sync.Concat(async).ToArray();

            for (var i = 0; i < Items; i++)
            {
                queue.Put(i);
            }

            queue.Close();
            await Task.WhenAll(consumers).WaitAsync(Patience);

            Assert.All(seen, n => Assert.Equal(1, n));
            Assert.Equal(0, queue.Count);
            Assert.Equal(0, queue.WaitingConsumers);
            Assert.Equal(Items, queue.UnfinishedTasks);
            await Assert.ThrowsAsync<QueueClosedException>(async () => await queue.GetAsync());
        }
    }

    [Fact]
    public async Task Lock_free_gets_racing_waiter_registration_lose_no_wake_up()
    {
        // Ping-pong through two unbounded queues: nearly every get finds the queue empty at the moment
        // the other side puts, so the lock-free miss, the registration and the put race each time.
        const int RoundTrips = 50_000;
        var there = new WorkQueue<int>();
        var back = new WorkQueue<int>();

        var echo = Task.Run(async () =>
        {
            for (var i = 0; i < RoundTrips; i++)
            {
                var item = i % 2 == 0 ? await there.GetAsync() : there.Get();
                back.Put(item);
            }
        });

        for (var i = 0; i < RoundTrips; i++)
        {
            await there.PutAsync(i);
            Assert.Equal(i, i % 3 == 0 ? back.Get() : await back.GetAsync());
        }

        await echo.WaitAsync(Patience);
        foreach (var queue in new[] { there, back })
        {
            Assert.Equal(0, queue.Count);
            Assert.Equal(0, queue.WaitingConsumers);
            Assert.Equal(RoundTrips, queue.UnfinishedTasks);
        }
    }

    [Fact]
    public async Task TaskDone_after_lock_free_gets_is_counted_exactly_and_Join_returns()
    {
        const int Total = 100_000, Consumers = 2;
        var queue = new WorkQueue<int>();
        var consumers = Enumerable.Range(0, Consumers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < Total / Consumers; i++)
            {
                await queue.GetAsync();
                queue.TaskDone();
            }
        })).ToArray();

        for (var i = 0; i < Total; i++)
        {
            queue.Put(i);
        }

        await queue.JoinAsync().WaitAsync(Patience);
        await Task.WhenAll(consumers).WaitAsync(Patience);
        Assert.Equal(0, queue.UnfinishedTasks);
        Assert.Equal(0, queue.Count);
        Assert.Throws<InvalidOperationException>(queue.TaskDone);
    }

    /// <summary>Starts a background thread whose failure (an assertion, say) is reported by <see cref="JoinAll"/> instead of ending the test process.</summary>
    private Thread StartThread(Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
#pragma warning disable CA1031 // Reported by JoinAll on the test's thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _threadFailures.Enqueue(e);
            }
        })
        { IsBackground = true };
        thread.Start();
        return thread;
    }

    private void JoinAll(IEnumerable<Thread> threads)
    {
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "a thread did not finish");
        }

        Assert.Empty(_threadFailures);
    }
}

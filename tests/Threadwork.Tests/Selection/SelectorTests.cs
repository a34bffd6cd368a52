using Threadwork.Queues;
using Threadwork.Selection;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Selection;

public class SelectorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Exceptions thrown on threads the test started.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _failures = new();

    [Fact]
    public void Takes_the_item_from_the_ready_queue_and_says_which_queue_it_came_from()
    {
        var (a, b, c) = (new WorkQueue<string>("a"), new WorkQueue<string>("b"), new WorkQueue<string>("c"));
        var select = Select.From(a, b, c);
        b.Put("x");

        var result = select.Wait(Patience);

        Assert.Equal(SelectOutcome.Item, result.Outcome);
        Assert.Equal(1, result.Index);
        Assert.Same(b, result.Queue);
        Assert.True(result.TryGetItem(out var item));
        Assert.Equal("x", item);
        Assert.Equal(0, a.Count + b.Count + c.Count);
    }

    [Fact]
    public void The_recipes_demo_gets_each_item_once_and_10_before_15()
    {
        var (q1, q2, q3) = (new WorkQueue<object>(), new WorkQueue<object>(), new WorkQueue<object>());
        q1.Put(1);
        q2.Put(10);
        q3.Put("hello");
        q2.Put(15);
        var select = Select.From(q1, q2, q3);

        var got = Enumerable.Range(0, 4).Select(_ => select.Wait(Patience).Item).ToList();

        Assert.Equal(["1", "10", "15", "hello"], got.Select(i => i!.ToString()).Order());
        Assert.True(got.IndexOf(10) < got.IndexOf(15));
        Assert.Equal(SelectOutcome.NothingReady, select.Now().Outcome);
    }

    [Fact]
    public void A_waiting_select_registers_on_every_queue_and_is_woken_by_the_put()
    {
        var queues = Enumerable.Range(0, 3).Select(i => new WorkQueue<int>($"q{i}")).ToArray();
        var select = Select.From(queues);
        var waiting = Task.Run(() => select.Wait(Patience));

        // Registered everywhere: the select sleeps on the queues' waiter lists, it does not poll them.
        Wait.Until(() => queues.All(q => q.WaitingConsumers == 1), "the select is registered on all three queues");
        queues[2].Put(42);

        var result = waiting.Result;
        Assert.Equal((SelectOutcome.Item, 2, 42), (result.Outcome, result.Index, result.Item));
        Assert.All(queues, q => Assert.Equal(0, q.WaitingConsumers));
    }

    [Fact]
    public async Task An_async_select_is_woken_by_the_put_and_withdraws_from_the_other_queues()
    {
        var queues = Enumerable.Range(0, 3).Select(i => new WorkQueue<int>($"q{i}")).ToArray();
        var select = Select.From(queues);
        for (var round = 0; round < 3; round++)
        {
            var waiting = select.WaitAsync(Patience).AsTask();
            Wait.Until(() => queues.All(q => q.WaitingConsumers == 1), "the async select is registered on all three queues");
            queues[round].Put(round * 10);

            var result = await waiting;
            Assert.Equal((SelectOutcome.Item, round, round * 10), (result.Outcome, result.Index, result.Item));
            Assert.All(queues, q => Assert.Equal(0, q.WaitingConsumers));
        }
    }

    [Fact]
    public async Task A_timeout_takes_nothing_and_leaves_no_registration_behind()
    {
        var (a, b) = (new WorkQueue<int>(), new WorkQueue<int>(4));
        var select = Select.From(a, b);

        Assert.Equal(SelectOutcome.TimedOut, select.Wait(TimeSpan.FromMilliseconds(20)).Outcome);
        Assert.Equal(SelectOutcome.TimedOut, (await select.WaitAsync(TimeSpan.FromMilliseconds(20))).Outcome);
        Assert.Equal(SelectOutcome.TimedOut, select.Wait(TimeSpan.Zero).Outcome);
        Assert.Equal(0, a.WaitingConsumers + b.WaitingConsumers);

        // A later put goes to a plain consumer: nothing stale is left to swallow it.
        b.Put(7);
        Assert.Equal(7, b.Get(Patience));
    }

    [Fact]
    public async Task Cancellation_takes_nothing_blocking_or_async()
    {
        var (a, b) = (new WorkQueue<int>(), new WorkQueue<int>());
        var select = Select.From(a, b);

        using (var cancel = new CancellationTokenSource())
        {
            var waiting = Task.Run(() => select.Wait(cancel.Token));
            Wait.Until(() => a.WaitingConsumers == 1 && b.WaitingConsumers == 1, "the select waits");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        using (var cancel = new CancellationTokenSource())
        {
            var waiting = select.WaitAsync(cancel.Token).AsTask();
            Wait.Until(() => a.WaitingConsumers == 1 && b.WaitingConsumers == 1, "the async select waits");
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        Assert.Equal(0, a.WaitingConsumers + b.WaitingConsumers);
        a.Put(1);
        Assert.Throws<OperationCanceledException>(() => select.Wait(new CancellationToken(canceled: true)));
        Assert.Equal(1, a.Count);
        Assert.True((await select.WaitAsync(new CancellationToken(canceled: true)).AsTask().ContinueWith(t => t.IsCanceled)));
        Assert.Equal(1, a.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_put_racing_the_cancellation_is_either_returned_or_left_queued(bool async)
    {
        // The put usually wins the claim (the selecting thread must first wake up): the item must
        // then come back from the select although its token was cancelled, never be dropped.
        const int Rounds = 1000;
        var (a, b) = (new WorkQueue<int>(), new WorkQueue<int>());
        var select = Select.From(a, b);
        var returned = 0;
        var cancelledWithItemLeft = 0;
        for (var round = 0; round < Rounds; round++)
        {
            using var cancel = new CancellationTokenSource();
            var waiting = async ? select.WaitAsync(cancel.Token).AsTask() : Task.Run(() => select.Wait(cancel.Token));
            Wait.Until(() => a.WaitingConsumers == 1 && b.WaitingConsumers == 1, "the select waits");
            if (round % 2 == 0)
            {
                await cancel.CancelAsync();
                b.Put(round);
            }
            else
            {
                b.Put(round);
                await cancel.CancelAsync();
            }

            try
            {
                Assert.Equal(round, (await waiting).Item);
                returned++;
            }
            catch (OperationCanceledException)
            {
                Assert.Equal(round, b.Get(Patience));
                cancelledWithItemLeft++;
            }

            Assert.Equal(0, a.Count + b.Count + a.WaitingConsumers + b.WaitingConsumers);
        }

        Assert.Equal(Rounds, returned + cancelledWithItemLeft);
    }

    [Fact]
    public void The_default_case_takes_nothing_when_none_is_ready()
    {
        var (a, b) = (new WorkQueue<int>(), new WorkQueue<int>());
        var select = Select.From(a, b);

        var none = select.Now();
        Assert.Equal((SelectOutcome.NothingReady, -1, false), (none.Outcome, none.Index, none.HasItem));
        Assert.Equal(0, a.WaitingConsumers + b.WaitingConsumers);

        b.Put(3);
        var ready = select.Now();
        Assert.Equal((SelectOutcome.Item, 1, 3), (ready.Outcome, ready.Index, ready.Item));
        Assert.Equal(0, b.Count);
    }

    [Fact]
    public async Task A_closed_queue_is_reported_closed_for_its_case_after_its_items_with_its_error()
    {
        var (open, closing) = (new WorkQueue<int>("open"), new WorkQueue<int>("closing"));
        var select = Select.From(open, closing);
        closing.Put(5);
        var error = new InvalidOperationException("producer failed");
        closing.Close(error);

        var first = select.Wait(Patience);
        Assert.Equal((SelectOutcome.Item, 1, 5), (first.Outcome, first.Index, first.Item));
        var closed = select.Wait(Patience);
        Assert.Equal((SelectOutcome.Closed, 1, false), (closed.Outcome, closed.Index, closed.HasItem));
        Assert.Same(closing, closed.Queue);
        Assert.Same(error, closed.Error);

        // Closing while a select waits wakes it with the close, not an item.
        Assert.True(select.Remove(closed.Index));
        var other = new WorkQueue<int>("other");
        var index = select.Add(other);
        var waiting = select.WaitAsync(Patience).AsTask();
        Wait.Until(() => other.WaitingConsumers == 1, "the select waits on the new queue");
        other.Close();
        var result = await waiting;
        Assert.Equal((SelectOutcome.Closed, index, null), (result.Outcome, result.Index, result.Error));
        Assert.Equal(0, open.WaitingConsumers);
    }

    [Fact]
    public void Bounded_and_priority_queues_are_supported()
    {
        var bounded = new WorkQueue<int>(1, "bounded");
        var priority = new PriorityWorkQueue<int>("priority");
        var select = Select.From<int>(bounded, priority);
        bounded.Put(1);
        var blockedPut = Task.Run(() => bounded.Put(2, Patience));
        Wait.Until(() => bounded.WaitingProducers == 1, "the producer waits for room");

        Assert.Equal(1, select.Wait(Patience).Item);
        blockedPut.Wait(Patience);   // the select freed the slot and admitted the waiting producer
        Assert.Equal(2, select.Wait(Patience).Item);

        priority.Put(10, priority: 1);
        priority.Put(20, priority: 9);
        Assert.Equal([20, 10], new[] { select.Wait(Patience).Item, select.Wait(Patience).Item });
    }

    [Fact]
    public void Four_ready_queues_are_chosen_equally_often()
    {
        // A bias toward the first queue tried (or the first ready) would give one queue all 40,000.
        // Each count is binomial(40,000, 1/4): mean 10,000, sd 87; the bounds are 23 sd away.
        const int Selects = 40_000;
        var queues = Enumerable.Range(0, 4).Select(_ => new WorkQueue<int>()).ToArray();
        foreach (var queue in queues)
        {
            for (var i = 0; i < Selects; i++)
            {
                queue.Put(i);
            }
        }

        var counts = CountWinners(Select.From(queues), Selects);

        Assert.All(counts, n => Assert.InRange(n, Selects * 20 / 100, Selects * 30 / 100));
    }

    [Fact]
    public void Two_ready_queues_among_four_are_chosen_equally_often()
    {
        // Catches a rotation from a random start, which picks the ready queue after the longest gap of
        // empty ones 3 times out of 4. Binomial(20,000, 1/2): sd 71; the bounds are 28 sd away.
        const int Selects = 20_000;
        var queues = Enumerable.Range(0, 4).Select(_ => new WorkQueue<int>()).ToArray();
        for (var i = 0; i < Selects; i++)
        {
            queues[1].Put(i);
            queues[2].Put(i);
        }

        var counts = CountWinners(Select.From(queues), Selects);

        Assert.Equal(0, counts[0] + counts[3]);
        Assert.All(counts[1..3], n => Assert.InRange(n, Selects * 40 / 100, Selects * 60 / 100));
    }

    [Fact]
    public void Removed_cases_take_no_part_and_indices_do_not_shift()
    {
        var queues = Enumerable.Range(0, 3).Select(_ => new WorkQueue<int>()).ToArray();
        var select = Select.From(queues);
        Assert.True(select.Remove(0));
        Assert.False(select.Remove(0));
        Assert.Equal(2, select.Count);
        queues[0].Put(1);
        queues[2].Put(3);

        var result = select.Wait(Patience);
        Assert.Equal((2, 3), (result.Index, result.Item));
        Assert.Equal(SelectOutcome.NothingReady, select.Now().Outcome);
        Assert.Equal(1, queues[0].Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => select.Remove(3));
    }

    [Fact]
    public void Misuse_is_reported_clearly()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        var waiting = Task.Run(() => select.Wait(Patience));
        Wait.Until(() => queue.WaitingConsumers == 1, "the first select waits");

        var second = Assert.Throws<InvalidOperationException>(() => select.Now());
        Assert.Contains("already under way", second.Message, StringComparison.Ordinal);
        queue.Put(1);
        Assert.Equal(1, waiting.Result.Item);

        var empty = new Selector<int>();
        Assert.Contains("could never end", Assert.Throws<InvalidOperationException>(() => empty.Wait()).Message, StringComparison.Ordinal);
        Assert.Equal(SelectOutcome.TimedOut, empty.Wait(TimeSpan.FromMilliseconds(1)).Outcome);
        Assert.Throws<ArgumentOutOfRangeException>(() => select.Wait(TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void Reusing_a_selector_allocates_nothing_per_select_ready_or_waiting()
    {
        const int Rounds = 200;

        // A long warm-up: once, in a full-suite run, 24 B (once, not per select) were counted in the measured
        // waiting rounds after a 200-round warm-up, most likely a first block on the wait's event.
        const int WarmupRounds = 2000;
        var queues = Enumerable.Range(0, 4).Select(_ => new WorkQueue<int>(16)).ToArray();
        var select = Select.From(queues);
        var round = -1;
        var producer = new Thread(() =>
        {
            for (var r = 0; r < WarmupRounds + Rounds; r++)
            {
                // Put only once the select is registered everywhere, so every round takes the waiting path.
                SpinWait.SpinUntil(() => Volatile.Read(ref round) == r && queues.All(q => q.WaitingConsumers == 1));
                queues[r % 4].Put(r);
            }
        }) { IsBackground = true };
        producer.Start();

        // Checked by counting, not by Assert inside the measured loops: xunit's Assert.Equal allocates.
        var wrong = 0;
        void WaitingRounds(int from, int count)
        {
            for (var r = from; r < from + count; r++)
            {
                Volatile.Write(ref round, r);
                wrong += select.Wait(Patience).Item == r ? 0 : 1;
            }
        }

        WaitingRounds(0, WarmupRounds);   // warm-up: waiter lists and the event reach their steady size
        var before = GC.GetAllocatedBytesForCurrentThread();
        WaitingRounds(WarmupRounds, Rounds);
        var waiting = GC.GetAllocatedBytesForCurrentThread() - before;

        foreach (var queue in queues)
        {
            queue.Put(1);
        }

        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            var ready = select.Now();
            ready.Queue!.Put(ready.Item);
        }

        var readyBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(producer.Join(Patience));
        Assert.Equal(0, wrong);
        Assert.Equal((0L, 0L), (waiting, readyBytes));
    }

    [Fact]
    public void An_idle_queue_keeps_no_stale_registrations_over_many_selects()
    {
        var (busy, idle) = (new WorkQueue<int>(), new WorkQueue<int>());
        var select = Select.From(busy, idle);
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                busy.Put(i);
            }
        });

        for (var i = 0; i < 20_000; i++)
        {
            Assert.Equal(i, select.Wait(Patience).Item);
        }

        producer.Wait(Patience);
        Assert.Equal(0, idle.WaitingConsumers + busy.WaitingConsumers);
    }

    [Fact]
    public async Task Selects_and_plain_getters_racing_on_shared_queues_take_every_item_exactly_once()
    {
        const int Producers = 2, PerProducer = 20_000, Total = Producers * PerProducer;
        var seed = Environment.TickCount;
        var queues = new WorkQueue<int>[] { new("unbounded"), new(8, "bounded"), new PriorityWorkQueue<int>("priority") };
        var seen = new int[Total];
        void Record(int item) => Interlocked.Increment(ref seen[item]);

        var producers = Enumerable.Range(0, Producers).Select(p => StartThread(() =>
        {
            var random = new Random(seed + p);
            for (var i = p * PerProducer; i < (p + 1) * PerProducer; i++)
            {
                queues[random.Next(queues.Length)].Put(i);
            }
        })).ToList();
        var selectors = Enumerable.Range(0, 2).Select(s => StartThread(() => SelectUntilAllClosed(queues, new Random(seed + 10 + s), Record))).ToList();
        var asyncSelector = SelectAsyncUntilAllClosed(queues, new Random(seed + 20), Record);
        var getter = StartThread(() =>
        {
            var random = new Random(seed + 30);
            while (!queues.All(q => q.IsClosed && q.Count == 0))
            {
                if (queues[random.Next(queues.Length)].TryGet(TimeSpan.FromMilliseconds(random.Next(2)), out var item))
                {
                    Record(item);
                }
            }
        });

        producers.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(2)), $"a producer hung (seed {seed})"));
        foreach (var queue in queues)
        {
            queue.Close();
        }

        selectors.Add(getter);
        selectors.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(2)), $"a consumer hung (seed {seed})"));
        await asyncSelector.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(_failures, e => Assert.Fail(e.ToString()));
        var wrong = Enumerable.Range(0, Total).Where(i => seen[i] != 1).ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} items not taken exactly once (seed {seed}), e.g. {string.Join(", ", wrong.Take(5).Select(i => $"{i}x{seen[i]}"))}");
        Assert.All(queues, q => Assert.Equal(0, q.WaitingConsumers));
    }

    private static void SelectUntilAllClosed(WorkQueue<int>[] queues, Random random, Action<int> record)
    {
        var select = Select.From(queues);
        while (select.Count > 0)
        {
            SelectResult<int> result;
            switch (random.Next(8))
            {
                case 0:
                    result = select.Now();
                    break;
                case 1:
                    result = select.Wait(TimeSpan.FromMilliseconds(random.Next(2)));
                    break;
                case 2:
                    using (var cancel = new CancellationTokenSource(random.Next(2)))
                    {
                        try
                        {
                            result = select.Wait(cancel.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            continue;
                        }
                    }

                    break;
                default:
                    result = select.Wait(Patience);
                    break;
            }

            Handle(select, result, record);
        }
    }

    private static async Task SelectAsyncUntilAllClosed(WorkQueue<int>[] queues, Random random, Action<int> record)
    {
        var select = Select.From(queues);
        while (select.Count > 0)
        {
            SelectResult<int> result;
            switch (random.Next(6))
            {
                case 0:
                    result = await select.WaitAsync(TimeSpan.FromMilliseconds(random.Next(1, 3)));
                    break;
                case 1:
                    using (var cancel = new CancellationTokenSource(random.Next(2)))
                    {
                        try
                        {
                            result = await select.WaitAsync(cancel.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            continue;
                        }
                    }

                    break;
                default:
                    result = await select.WaitAsync(Patience);
                    break;
            }

            Handle(select, result, record);
        }
    }

    private static void Handle(Selector<int> select, SelectResult<int> result, Action<int> record)
    {
        switch (result.Outcome)
        {
            case SelectOutcome.Item:
                record(result.Item);
                break;
            case SelectOutcome.Closed:
                select.Remove(result.Index);
                break;
            case SelectOutcome.TimedOut or SelectOutcome.NothingReady:
                break;
            default:
                throw new InvalidOperationException($"unexpected outcome {result.Outcome}");
        }
    }

    private static int[] CountWinners(Selector<int> select, int selects)
    {
        var counts = new int[select.Count];
        for (var i = 0; i < selects; i++)
        {
            counts[select.Now().Index]++;
        }

        return counts;
    }

    private Thread StartThread(Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                _failures.Enqueue(e);
            }
        })
        { IsBackground = true };
        thread.Start();
        return thread;
    }
}

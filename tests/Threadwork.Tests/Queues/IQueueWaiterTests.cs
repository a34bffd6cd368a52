using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

/// <summary>The claim protocol Select will build on: one waiter registered on several queues.</summary>
public class IQueueWaiterTests
{
    [Fact]
    public void A_waiter_on_two_queues_is_claimed_exactly_once_when_both_race_to_deliver()
    {
        const int Iterations = 5000;
        var first = new WorkQueue<int>("first");
        var second = new WorkQueue<int>("second");
        using var barrier = new Barrier(3);
        var waiters = Enumerable.Range(0, Iterations).Select(_ => new RecordingWaiter()).ToArray();

        void Producer(WorkQueue<int> queue, int offset)
        {
            for (var i = 0; i < Iterations; i++)
            {
                barrier.SignalAndWait();
                queue.Put(offset + i);
                barrier.SignalAndWait();
            }
        }

        var one = new Thread(() => Producer(first, 0));
        var two = new Thread(() => Producer(second, Iterations));
        one.Start();
        two.Start();

        var fromFirst = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var waiter = waiters[i];
            Assert.Equal(WaiterRegistration.Registered, first.TryTakeOrRegister(waiter, out _, out _));
            Assert.Equal(WaiterRegistration.Registered, second.TryTakeOrRegister(waiter, out _, out _));
            barrier.SignalAndWait();
            barrier.SignalAndWait();

            // The select's clean-up: withdraw from every queue once claimed.
            first.Withdraw(waiter);
            second.Withdraw(waiter);
            Assert.Equal(1, waiter.Deliveries);
            var winner = waiter.Items.Single();
            var leftover = first.Count + second.Count;
            Assert.Equal(1, leftover);
            var other = winner < Iterations ? second.Get() : first.Get();
            Assert.Equal(winner < Iterations ? Iterations + i : i, other);
            fromFirst += winner < Iterations ? 1 : 0;
            Assert.Equal(0, first.WaitingConsumers + second.WaitingConsumers);
        }

        one.Join();
        two.Join();
        Assert.InRange(fromFirst, 0, Iterations);
    }

    [Fact]
    public void A_waiter_already_claimed_takes_nothing_from_a_queue_with_items()
    {
        var queue = new WorkQueue<int>();
        queue.Put(1);
        var waiter = new RecordingWaiter();
        Assert.True(waiter.TryClaim());

        Assert.Equal(WaiterRegistration.AlreadyClaimed, queue.TryTakeOrRegister(waiter, out _, out _));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Registering_on_a_queue_with_items_or_closed_claims_and_takes_at_once()
    {
        var queue = new WorkQueue<int>();
        queue.Put(9);
        Assert.Equal(WaiterRegistration.Taken, queue.TryTakeOrRegister(new RecordingWaiter(), out var item, out _));
        Assert.Equal(9, item);

        var error = new InvalidOperationException("done");
        queue.Close(error);
        Assert.Equal(WaiterRegistration.Closed, queue.TryTakeOrRegister(new RecordingWaiter(), out _, out var closeError));
        Assert.Same(error, closeError);
    }

    [Fact]
    public void A_waiter_whose_owner_won_the_claim_is_skipped_and_the_item_stored()
    {
        var queue = new WorkQueue<int>();
        var cancelled = new RecordingWaiter();
        var next = new RecordingWaiter();
        queue.TryTakeOrRegister(cancelled, out _, out _);
        queue.TryTakeOrRegister(next, out _, out _);
        Assert.True(cancelled.TryClaim());

        queue.Put(1);
        queue.Put(2);

        Assert.Equal(0, cancelled.Deliveries);
        Assert.Equal([1], next.Items);
        Assert.Equal(2, queue.Get());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TryTakeNow_takes_without_registering_and_reports_a_closed_drained_queue_without_throwing(int capacity)
    {
        var queue = capacity == 0 ? new WorkQueue<int>() : new WorkQueue<int>(capacity);
        Assert.False(queue.TryTakeNow(out _, out var closed, out _));
        Assert.False(closed);
        Assert.Equal(0, queue.WaitingConsumers);

        queue.Put(1);
        var blockedPut = Task.Run(() => queue.Put(2));
        Assert.True(queue.TryTakeNow(out var item, out closed, out _));
        Assert.Equal((1, false), (item, closed));
        blockedPut.Wait(TimeSpan.FromSeconds(30));   // on the bounded queue, the take admitted the waiting producer

        var error = new InvalidOperationException("done");
        queue.Close(error);
        Assert.True(queue.TryTakeNow(out item, out closed, out _));
        Assert.Equal((2, false), (item, closed));
        Assert.False(queue.TryTakeNow(out _, out closed, out var closeError));
        Assert.True(closed);
        Assert.Same(error, closeError);
    }

    [Fact]
    public void Close_delivers_the_closed_signal_to_a_registered_waiter()
    {
        var queue = new WorkQueue<int>();
        var waiter = new RecordingWaiter();
        queue.TryTakeOrRegister(waiter, out _, out _);
        var error = new InvalidOperationException("x");
        queue.Close(error);
        Assert.True(waiter.Closed);
        Assert.Same(error, waiter.CloseError);
    }

    [Fact]
    public async Task Registering_while_lock_free_takers_race_for_the_same_items_takes_each_item_once()
    {
        // A select registering (some waiters already claimed, so their reserved item goes back) while
        // a producer puts and a plain consumer takes without the lock.
        const int Total = 100_000;
        var queue = new WorkQueue<int>();
        var seen = new int[Total];
        var taken = 0;

        var producer = Task.Run(() =>
        {
            for (var i = 0; i < Total; i++)
            {
                queue.Put(i);
            }
        });
        var consumer = Task.Run(() =>
        {
            var last = -1;
            while (Volatile.Read(ref taken) < Total)
            {
                if (queue.TryGet(out var item))
                {
                    Assert.True(item > last, "one consumer saw the producer's items out of order");
                    last = item;
                    Interlocked.Increment(ref seen[item]);
                    Interlocked.Increment(ref taken);
                }
            }
        });

        for (var attempt = 0; Volatile.Read(ref taken) < Total; attempt++)
        {
            var waiter = new RecordingWaiter();
            var claimedFirst = attempt % 4 == 0 && waiter.TryClaim();
            var outcome = queue.TryTakeOrRegister(waiter, out var item, out _);
            if (claimedFirst)
            {
                // On an empty queue a claimed waiter is still registered; a put skips it, the owner withdraws it.
                Assert.Contains(outcome, new[] { WaiterRegistration.AlreadyClaimed, WaiterRegistration.Registered });
                queue.Withdraw(waiter);
                continue;
            }

            if (outcome == WaiterRegistration.Registered)
            {
                // Cancel as a select would; losing the claim means a put's delivery is on its way.
                if (waiter.TryClaim())
                {
                    queue.Withdraw(waiter);
                    continue;
                }

                SpinWait.SpinUntil(() => waiter.Deliveries == 1);
                item = waiter.Items.Single();
            }
            else
            {
                Assert.Equal(WaiterRegistration.Taken, outcome);
                Assert.Equal(0, waiter.Deliveries);
            }

            Interlocked.Increment(ref seen[item]);
            Interlocked.Increment(ref taken);
        }

        await Task.WhenAll(producer, consumer).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Total, taken);
        Assert.All(seen, n => Assert.Equal(1, n));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.WaitingConsumers);
    }

    private sealed class RecordingWaiter : IQueueWaiter<int>
    {
        private int _claimed;
        private int _deliveries;

        public List<int> Items { get; } = [];

        public int Deliveries => Volatile.Read(ref _deliveries);

        public bool Closed { get; private set; }

        public Exception? CloseError { get; private set; }

        public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

        public void Deliver(int item)
        {
            lock (Items)
            {
                Items.Add(item);
            }

            Interlocked.Increment(ref _deliveries);
        }

        public void DeliverClosed(Exception? error)
        {
            CloseError = error;
            Closed = true;
            Interlocked.Increment(ref _deliveries);
        }
    }
}

using System.Collections.Concurrent;
using Threadwork.Messaging;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Messaging;

/// <summary>Queued delivery: each subscriber's own bounded backlog, drained on the thread pool.</summary>
public class QueuedBacklogTests
{
    [Theory]
    [InlineData(BacklogOverflow.DropOldest, new[] { 1, 98, 99, 100 })]
    [InlineData(BacklogOverflow.DropNewest, new[] { 1, 2, 3, 4 })]
    public async Task A_blocked_subscriber_holds_up_nobody_and_drops_by_its_policy(BacklogOverflow overflow, int[] slowGets)
    {
        const int Messages = 100;
        var exchange = new Exchange<int>("quotes");
        using var slowStarted = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var slowGot = new ConcurrentQueue<int>();
        var slow = exchange.Attach(
            message =>
            {
                slowGot.Enqueue(message);
                if (message == 1)
                {
                    slowStarted.Set();
                    release.Wait(Wait.Bound);
                }
            },
            new QueuedDelivery(capacity: 3, overflow));

        using var othersDone = new CountdownEvent(3);
        var others = new[] { new List<int>(), new List<int>(), new List<int>() };
        exchange.Attach(Counting(others[0]), new QueuedDelivery(Messages));
        exchange.Attach(Counting(others[1]), new QueuedDelivery(Messages, BacklogOverflow.DropNewest));
        exchange.Attach(Counting(others[2]));

        exchange.Send(1);
        Assert.True(slowStarted.Wait(Wait.Bound), "the slow subscriber never got message 1");
        for (var i = 2; i <= Messages; i++)
        {
            exchange.Send(i);
        }

        // Everyone else has everything while the slow one is still stuck on message 1.
        Assert.True(othersDone.Wait(Wait.Bound), "the other subscribers did not receive every message");
        Assert.All(others, got => Assert.Equal(Enumerable.Range(1, Messages), got));
        Assert.Equal([1], slowGot);
        Assert.Equal(3, slow.Backlog);
        Assert.Equal(Messages - 1 - 3, slow.Dropped);

        release.Set();
        slow.Dispose();
        await slow.Completion.WaitAsync(Wait.Bound);
        Assert.Equal(slowGets, slowGot);
        Assert.Equal(0, slow.Backlog);

        Action<int> Counting(List<int> got) => message =>
        {
            got.Add(message);
            if (got.Count == Messages)
            {
                othersDone.Signal();
            }
        };
    }

    [Fact]
    public async Task Concurrent_senders_reach_a_queued_subscriber_exactly_once_in_each_senders_order()
    {
        const int Senders = 2, PerSender = 20_000, Total = Senders * PerSender;
        var exchange = new Exchange<int>();
        var seen = new int[Total];
        var last = new[] { -1, -1 };
        var outOfOrder = 0;
        var subscription = exchange.Attach(
            message =>
            {
                // One drain at a time delivers, so plain reads and writes are enough here.
                seen[message]++;
                var sender = message / PerSender;
                if (message <= last[sender])
                {
                    outOfOrder++;
                }

                last[sender] = message;
            },
            new QueuedDelivery(Total));

        var senders = Enumerable.Range(0, Senders).Select(p => Task.Run(() =>
        {
            for (var i = p * PerSender; i < (p + 1) * PerSender; i++)
            {
                exchange.Send(i);
            }
        })).ToArray();
        await Task.WhenAll(senders).WaitAsync(Wait.Bound);
        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);

        Assert.All(seen, n => Assert.Equal(1, n));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, subscription.Dropped);
    }

    [Fact]
    public async Task After_detach_the_backlog_is_still_delivered_but_later_messages_are_refused()
    {
        var exchange = new Exchange<int>();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var got = new ConcurrentQueue<int>();
        var subscription = exchange.Attach(
            message =>
            {
                got.Enqueue(message);
                started.Set();
                release.Wait(Wait.Bound);
            },
            new QueuedDelivery(10));

        exchange.Send(1);
        Assert.True(started.Wait(Wait.Bound));
        exchange.Send(2);
        subscription.Dispose();
        exchange.Send(3);
        Assert.False(subscription.Completion.IsCompleted);
        Assert.Equal(1, subscription.Backlog);

        release.Set();
        await subscription.Completion.WaitAsync(Wait.Bound);
        Assert.Equal([1, 2], got);
        Assert.Equal(0, subscription.Dropped);
    }

    [Fact]
    public async Task A_failing_queued_subscriber_is_reported_from_the_pool_and_keeps_receiving()
    {
        var faults = new ConcurrentQueue<SubscriberFault>();
        var exchange = new Exchange<int>("odd", faults.Enqueue);
        var got = new ConcurrentQueue<int>();
        var subscription = exchange.Attach(
            message =>
            {
                got.Enqueue(message);
                if (message % 2 == 1)
                {
                    throw new InvalidOperationException($"odd {message}");
                }
            },
            new QueuedDelivery(100));

        for (var i = 1; i <= 10; i++)
        {
            exchange.Send(i);
        }

        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);

        Assert.Equal(Enumerable.Range(1, 10), got);
        Assert.Equal([1, 3, 5, 7, 9], faults.Select(f => (int)f.Message!));
        Assert.All(faults, f => Assert.True(f.Queued));
        Assert.Equal(5, subscription.Failures);
        Assert.Empty(subscription.UnreportedFaults);
    }

    [Fact]
    public async Task Without_a_hook_queued_failures_are_kept_on_the_subscription_and_all_counted()
    {
        const int Messages = 150;
        var exchange = new Exchange<int>("unhooked");
        var subscription = exchange.Attach(message => throw new FormatException($"bad {message}"), new QueuedDelivery(Messages));

        for (var i = 1; i <= Messages; i++)
        {
            exchange.Send(i);
        }

        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);

        Assert.Equal(Messages, subscription.Failures);
        var kept = subscription.UnreportedFaults;
        Assert.Equal(100, kept.Count);
        Assert.Equal(Enumerable.Range(1, 100), kept.Select(f => (int)f.Message!));
        Assert.Equal("bad 1", kept[0].Error.Message);
    }

    [Fact]
    public async Task A_backlog_that_wraps_and_grows_keeps_the_order()
    {
        var exchange = new Exchange<int>();
        using var gate = new SemaphoreSlim(0);
        var got = new ConcurrentQueue<int>();
        var subscription = exchange.Attach(
            message =>
            {
                got.Enqueue(message);
                gate.Wait(Wait.Bound);
            },
            new QueuedDelivery(1000));

        // Let the drain take a few so the ring's head moves, then fill past the initial length.
        for (var i = 0; i < 5000; i++)
        {
            exchange.Send(i);
            if (i % 7 == 0)
            {
                gate.Release(7);
            }
        }

        gate.Release(10_000);
        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);
        var received = got.ToArray();
        Assert.Equal(5000 - subscription.Dropped, received.Length);
        Assert.True(received.Zip(received.Skip(1)).All(p => p.First < p.Second), "a wrapped backlog delivered out of order");
        Assert.Equal(4999, received[^1]);
    }
    [Theory]
    [InlineData(BacklogOverflow.DropOldest)]
    [InlineData(BacklogOverflow.DropNewest)]
    public async Task Under_concurrent_senders_every_message_is_either_received_once_or_counted_as_dropped(BacklogOverflow overflow)
    {
        const int Senders = 2, PerSender = 10_000, Total = Senders * PerSender;
        var exchange = new Exchange<int>();
        var seen = new int[Total];
        var last = new[] { -1, -1 };
        var outOfOrder = 0;
        var received = 0;
        var subscription = exchange.Attach(
            message =>
            {
                received++;
                seen[message]++;
                var sender = message / PerSender;
                if (message <= last[sender])
                {
                    outOfOrder++;
                }

                last[sender] = message;
                if (message % 64 == 0)
                {
                    Thread.Yield();
                }
            },
            new QueuedDelivery(16, overflow));

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(p => Task.Run(() =>
        {
            for (var i = p * PerSender; i < (p + 1) * PerSender; i++)
            {
                exchange.Send(i);
            }
        }))).WaitAsync(Wait.Bound);
        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);

        Assert.Equal(Total, received + subscription.Dropped);
        Assert.All(seen, n => Assert.InRange(n, 0, 1));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(0, subscription.Backlog);
    }

    [Theory]
    [InlineData(BacklogOverflow.DropOldest)]
    [InlineData(BacklogOverflow.DropNewest)]
    public async Task Concurrent_senders_never_push_a_blocked_backlog_past_its_capacity(BacklogOverflow overflow)
    {
        const int Senders = 2, PerSender = 5_000, Capacity = 16;
        var exchange = new Exchange<int>();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var got = new ConcurrentQueue<int>();
        var subscription = exchange.Attach(
            message =>
            {
                got.Enqueue(message);
                if (message == -1)
                {
                    started.Set();
                    release.Wait(Wait.Bound);
                }
            },
            new QueuedDelivery(Capacity, overflow));
        exchange.Send(-1);
        Assert.True(started.Wait(Wait.Bound), "the subscriber never got the first message");

        await Task.WhenAll(Enumerable.Range(0, Senders).Select(p => Task.Run(() =>
        {
            for (var i = p * PerSender; i < (p + 1) * PerSender; i++)
            {
                exchange.Send(i);
            }
        }))).WaitAsync(Wait.Bound);

        // Exactly the capacity kept, every other message counted as dropped: no sender slipped one past the bound.
        Assert.Equal(Capacity, subscription.Backlog);
        Assert.Equal((Senders * PerSender) - Capacity, subscription.Dropped);
        release.Set();
        subscription.Dispose();
        await subscription.Completion.WaitAsync(Wait.Bound);
        Assert.Equal(1 + Capacity, got.Count);
    }

    [Fact]
    public async Task A_send_racing_the_detach_is_delivered_before_completion_or_not_at_all()
    {
        for (var round = 0; round < 200; round++)
        {
            var exchange = new Exchange<int>();
            Subscription? subscription = null;
            var late = 0;
            subscription = exchange.Attach(
                _ =>
                {
                    if (subscription!.Completion.IsCompleted)
                    {
                        Interlocked.Increment(ref late);
                    }
                },
                new QueuedDelivery(1000));
            using var go = new ManualResetEventSlim();
            var sender = Task.Run(() =>
            {
                go.Wait(Wait.Bound);
                for (var i = 0; i < 50; i++)
                {
                    exchange.Send(i);
                }
            });
            go.Set();
            Thread.Yield();
            subscription.Dispose();
            await subscription.Completion.WaitAsync(Wait.Bound);
            await sender.WaitAsync(Wait.Bound);
            Assert.Equal(0, Volatile.Read(ref late));
        }
    }
}

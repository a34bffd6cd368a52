using Threadwork.Actors;

namespace Threadwork.Tests.Actors;

public sealed class SegmentedMailboxTests
{
    [Fact]
    public void Pops_in_push_order_across_segments()
    {
        const int Count = SegmentedMailbox<int>.MaxSegmentLength * 3 + 7;
        var mailbox = new SegmentedMailbox<string>();
        Assert.False(mailbox.TryPop(out _));
        for (var i = 0; i < Count; i++)
        {
            mailbox.Push(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < Count; i++)
        {
            Assert.True(mailbox.TryPop(out var message));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), message);
        }

        Assert.False(mailbox.TryPop(out _));
        Assert.True(mailbox.IsDrained);
    }

    [Fact]
    public void Is_drained_only_once_every_pushed_message_is_popped()
    {
        var mailbox = new SegmentedMailbox<int>();
        Assert.True(mailbox.IsDrained);
        for (var round = 0; round < SegmentedMailbox<int>.FirstSegmentLength * 4; round++)
        {
            mailbox.Push(1);
            mailbox.Push(2);
            Assert.False(mailbox.IsDrained);
            Assert.True(mailbox.TryPop(out var first));
            Assert.False(mailbox.IsDrained);
            Assert.True(mailbox.TryPop(out var second));
            Assert.Equal((1, 2), (first, second));
            Assert.True(mailbox.IsDrained);
            Assert.False(mailbox.TryPop(out _));
        }
    }

    [Fact]
    public void Concurrent_producers_lose_nothing_and_keep_their_own_order()
    {
        const int Producers = 8;
        const int PerProducer = 100_000;
        var mailbox = new SegmentedMailbox<(int Producer, int Sequence)>();
        using var start = new Barrier(Producers);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerProducer; i++)
                {
                    mailbox.Push((p, i));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        var next = new int[Producers];
        var popped = 0;
        while (popped < Producers * PerProducer)
        {
            if (mailbox.TryPop(out var item))
            {
                Assert.Equal(next[item.Producer], item.Sequence);
                next[item.Producer]++;
                popped++;
            }
            else if (producers.All(p => p.IsCompleted) && mailbox.IsDrained)
            {
                break;
            }
        }

        Task.WaitAll(producers);
        Assert.False(mailbox.TryPop(out _));
        Assert.True(mailbox.IsDrained);
        Assert.All(next, n => Assert.Equal(PerProducer, n));
    }
}

using Threadwork.Actors;

namespace Threadwork.Tests.Actors;

public sealed class MpscMailboxTests
{
    [Fact]
    public void Pops_in_push_order_and_reports_empty()
    {
        var mailbox = new MpscMailbox<string>();
        Assert.True(mailbox.IsEmpty);
        Assert.False(mailbox.TryPop(out _));
        mailbox.Push("a");
        mailbox.Push("b");
        Assert.False(mailbox.IsEmpty);
        Assert.True(mailbox.TryPop(out var a));
        Assert.True(mailbox.TryPop(out var b));
        Assert.Equal(("a", "b"), (a, b));
        Assert.True(mailbox.IsEmpty);
    }

    [Fact]
    public void Is_drained_only_once_every_pushed_message_is_popped()
    {
        var mailbox = new MpscMailbox<int>();
        Assert.True(mailbox.IsDrained);
        mailbox.Push(1);
        mailbox.Push(2);
        Assert.False(mailbox.IsDrained);
        Assert.True(mailbox.TryPop(out _));
        Assert.False(mailbox.IsDrained);
        Assert.True(mailbox.TryPop(out _));
        Assert.True(mailbox.IsDrained);
        Assert.False(mailbox.TryPop(out _));
    }

    [Fact]
    public void Concurrent_producers_lose_nothing_and_keep_their_own_order()
    {
        const int Producers = 4;
        const int PerProducer = 100_000;
        var mailbox = new MpscMailbox<(int, int)>();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                mailbox.Push((p, i));
            }
        })).ToArray();
        var next = new int[Producers];
        var popped = 0;
        while (popped < Producers * PerProducer)
        {
            if (mailbox.TryPop(out var item))
            {
                Assert.Equal(next[item.Item1], item.Item2);
                next[item.Item1]++;
                popped++;
            }
        }

        Task.WaitAll(producers);
        Assert.False(mailbox.TryPop(out _));
        Assert.All(next, n => Assert.Equal(PerProducer, n));
    }
}

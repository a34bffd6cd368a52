using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

public sealed class LoopActorTests
{
    private sealed record Request(int Value, Reply<int> Reply);

    [Fact]
    public void The_loop_runs_on_its_own_named_thread_and_close_ends_it_after_the_queued_messages()
    {
        var got = new List<string>();
        string? thread = null;
        var printer = Actor.StartLoop<string>(inbox =>
        {
            thread = Thread.CurrentThread.Name;
            while (inbox.Receive(out var message))
            {
                got.Add($"Got: {message}");
            }
        }, "printer");
        printer.Send("Hello");
        printer.Send("World");
        printer.Close();
        Assert.True(printer.Join(Wait.Bound));
        Assert.Equal(["Got: Hello", "Got: World"], got);
        Assert.Equal("printer", thread);
    }

    [Fact]
    public void Each_senders_messages_arrive_in_order_none_lost()
    {
        const int Senders = 3;
        const int PerSender = 20_000;
        var last = new int[Senders];
        Array.Fill(last, -1);
        var outOfOrder = 0;
        var received = 0;
        var actor = Actor.StartLoop<(int Sender, int Sequence)>(inbox =>
        {
            while (inbox.Receive(out var m))
            {
                outOfOrder += m.Sequence == last[m.Sender] + 1 ? 0 : 1;
                last[m.Sender] = m.Sequence;
                received++;
            }
        }, options: new ActorOptions { MailboxCapacity = 100 });
        Parallel.For(0, Senders, new ParallelOptions { MaxDegreeOfParallelism = Senders }, s =>
        {
            for (var i = 0; i < PerSender; i++)
            {
                actor.Send((s, i));
            }
        });
        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(Senders * PerSender, received);
    }

    [Fact]
    public void Stop_makes_receive_return_false_and_the_unreceived_messages_are_dead_letters()
    {
        var deadLetters = new DeadLetters();
        using var first = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var received = new List<int>();
        var actor = Actor.StartLoop<int>(inbox =>
        {
            while (inbox.Receive(out var m))
            {
                received.Add(m);
                first.Set();
                release.Wait(Wait.Bound);
            }
        }, options: new ActorOptions { DeadLetters = deadLetters });
        actor.Send(1);
        Assert.True(first.Wait(Wait.Bound));
        actor.Send(2);
        actor.Send(3);
        actor.Stop();
        actor.Send(4);
        release.Set();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal([1], received);
        Assert.Equal(3, deadLetters.Count);
    }

    [Fact]
    public void A_loop_that_throws_faults_join_with_its_exception()
    {
        var actor = Actor.StartLoop<int>(inbox =>
        {
            inbox.Receive(out var m);
            throw new InvalidDataException($"bad message {m}");
        });
        actor.Send(7);
        var error = Assert.Throws<InvalidDataException>(() => actor.Join(Wait.Bound));
        Assert.Equal("bad message 7", error.Message);
    }

    [Fact]
    public async Task Ask_gets_the_reply_from_the_loop()
    {
        var doubler = Actor.StartLoop<Request>(inbox =>
        {
            while (inbox.Receive(out var request))
            {
                request.Reply.Complete(request.Value * 2);
            }
        });
        Assert.Equal(42, await doubler.Ask<int>(r => new Request(21, r), Wait.Bound));
        doubler.Close();
        await doubler.Completion;
        await Assert.ThrowsAsync<InvalidOperationException>(() => doubler.Ask<int>(r => new Request(1, r), Wait.Bound));
    }

    [Fact]
    public async Task A_bounded_loop_mailbox_pushes_back()
    {
        using var gate = new ManualResetEventSlim();
        var actor = Actor.StartLoop<int>(inbox =>
        {
            gate.Wait(Wait.Bound);
            while (inbox.Receive(out _))
            {
            }
        }, options: new ActorOptions { MailboxCapacity = 1 });
        Assert.True(actor.TrySend(1));
        Assert.False(actor.TrySend(2));
        var waiting = actor.SendAsync(3).AsTask();
        Assert.False(waiting.IsCompleted);
        gate.Set();
        await waiting.WaitAsync(Wait.Bound);
        actor.Close();
        await actor.Completion.WaitAsync(Wait.Bound);
    }
}

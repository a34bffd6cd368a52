using System.Collections.Concurrent;
using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

public sealed class HandlerActorTests
{
    private abstract record CounterMessage;

    private sealed record Add(int Amount) : CounterMessage;

    private sealed record GetTotal(Reply<int> Reply) : CounterMessage;

    private sealed record Divide(int By, Reply<int> Reply) : CounterMessage;

    private sealed record Ignore(Reply<int> Reply) : CounterMessage;

    private static Func<Action<CounterMessage>> Counter() => () =>
    {
        var total = 0;
        return message =>
        {
            switch (message)
            {
                case Add(var amount):
                    total += amount;
                    break;
                case GetTotal(var reply):
                    reply.Complete(total);
                    break;
                case Divide(0, var reply):
                    reply.Fail(new DivideByZeroException("cannot divide the total by 0"));
                    break;
                case Divide(var by, var reply):
                    reply.Complete(total / by);
                    break;
                case Ignore:
                    break;
            }
        };
    };

    [Fact]
    public void Close_handles_every_queued_message_then_later_sends_are_counted_dead_letters()
    {
        var deadLetters = new DeadLetters();
        using var gate = new ManualResetEventSlim();
        var handled = 0;
        var actor = Actor.Start<int>(_ =>
        {
            gate.Wait(Wait.Bound);
            handled++;
        }, "slow", new ActorOptions { DeadLetters = deadLetters });
        for (var i = 0; i < 1000; i++)
        {
            actor.Send(i);
        }

        actor.Close();
        actor.Send(1000);
        actor.Send(1001);
        gate.Set();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal(1000, handled);
        Assert.Equal(2, deadLetters.Count);
    }

    [Fact]
    public void Messages_sent_while_the_actor_closes_are_each_handled_or_a_dead_letter_never_lost()
    {
        for (var round = 0; round < 20; round++)
        {
            var deadLetters = new DeadLetters();
            var handled = 0;
            var actor = Actor.Start<int>(_ => Interlocked.Increment(ref handled), options: new ActorOptions { DeadLetters = deadLetters, MessagesPerTurn = 3 });
            const int Senders = 3;
            const int PerSender = 5_000;
            using var go = new Barrier(Senders + 1);
            var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(() =>
            {
                go.SignalAndWait(Wait.Bound);
                for (var i = 0; i < PerSender; i++)
                {
                    actor.Send(i);
                }
            })).ToArray();
            go.SignalAndWait(Wait.Bound);
            actor.Close();
            Assert.True(Task.WaitAll(senders, Wait.Bound));
            Assert.True(actor.Join(Wait.Bound));
            Assert.Equal(Senders * PerSender, Volatile.Read(ref handled) + deadLetters.Count);
        }
    }

    [Theory]
    [InlineData(4, 50_000, 7)]
    [InlineData(16, 20_000, 5)]
    public void Messages_from_each_of_many_concurrent_senders_across_mailbox_segments_are_handled_once_in_the_order_sent(int senders, int perSender, int messagesPerTurn)
    {
        var last = new int[senders];
        Array.Fill(last, -1);
        var outOfOrder = 0;
        var handled = 0;
        var actor = Actor.Start<(int Sender, int Sequence)>(m =>
        {
            if (m.Sequence != last[m.Sender] + 1)
            {
                outOfOrder++;
            }

            last[m.Sender] = m.Sequence;
            handled++;
        }, options: new ActorOptions { MessagesPerTurn = messagesPerTurn });
        using var go = new Barrier(senders);
        var sending = Enumerable.Range(0, senders).Select(s => Task.Factory.StartNew(
            () =>
            {
                go.SignalAndWait(Wait.Bound);
                for (var i = 0; i < perSender; i++)
                {
                    actor.Send((s, i));
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        Assert.True(Task.WaitAll(sending, Wait.Bound));
        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal(0, outOfOrder);
        Assert.Equal(senders * perSender, handled);
        Assert.All(last, l => Assert.Equal(perSender - 1, l));
    }

    [Fact]
    public void Messages_sent_while_the_actor_stops_are_each_handled_or_a_dead_letter_never_lost()
    {
        for (var round = 0; round < 20; round++)
        {
            var deadLetters = new DeadLetters();
            var handled = 0;
            var actor = Actor.Start<int>(_ => Interlocked.Increment(ref handled), options: new ActorOptions { DeadLetters = deadLetters, MessagesPerTurn = 3 });
            const int Senders = 8;
            const int PerSender = 3_000;
            using var go = new Barrier(Senders + 1);

            // Threads of their own: senders blocked at the barrier must not wait for the pool to grow.
            var senders = Enumerable.Range(0, Senders).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    go.SignalAndWait(Wait.Bound);
                    for (var i = 0; i < PerSender; i++)
                    {
                        actor.Send(i);
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ToArray();
            go.SignalAndWait(Wait.Bound);
            Thread.Yield();
            actor.Stop();
            Assert.True(Task.WaitAll(senders, Wait.Bound));
            Assert.True(actor.Join(Wait.Bound));
            Assert.Equal(Senders * PerSender, Volatile.Read(ref handled) + deadLetters.Count);
        }
    }

    [Fact]
    public void Stop_finishes_the_current_message_and_turns_the_queued_ones_into_dead_letters()
    {
        var letters = new ConcurrentBag<DeadLetter>();
        var deadLetters = new DeadLetters(letters.Add);
        using var inHandler = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var handled = new List<int>();
        var actor = Actor.Start<int>(m =>
        {
            inHandler.Set();
            release.Wait(Wait.Bound);
            handled.Add(m);
        }, "stopper", new ActorOptions { DeadLetters = deadLetters });
        actor.Send(1);
        Assert.True(inHandler.Wait(Wait.Bound));
        actor.Send(2);
        actor.Send(3);
        actor.Stop();
        release.Set();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal([1], handled);
        Assert.Equal(2, deadLetters.Count);
        Assert.Equal([2, 3], letters.Select(l => (int)l.Message!).Order());
        Assert.All(letters, l => Assert.Equal("stopper", l.ActorName));
    }

    [Fact]
    public async Task Ask_returns_the_reply_the_actor_completes()
    {
        var counter = Actor.Start(Counter());
        counter.Send(new Add(40));
        counter.Send(new Add(2));
        Assert.Equal(42, await counter.Ask<int>(r => new GetTotal(r), Wait.Bound));
        Assert.Equal(21, await counter.Ask<int>(r => new Divide(2, r), Wait.Bound));
        counter.Close();
        await counter.Completion;
    }

    [Fact]
    public async Task Ask_faults_with_the_failure_the_actor_replies_with()
    {
        var counter = Actor.Start(Counter());
        var error = await Assert.ThrowsAsync<DivideByZeroException>(() => counter.Ask<int>(r => new Divide(0, r), Wait.Bound));
        Assert.Equal("cannot divide the total by 0", error.Message);
    }

    [Fact]
    public async Task Ask_without_a_reply_in_time_is_a_timeout_exception_naming_the_actor_never_a_default_value()
    {
        var counter = Actor.Start(Counter(), "counter");
        var error = await Assert.ThrowsAsync<TimeoutException>(() => counter.Ask<int>(r => new Ignore(r), TimeSpan.FromMilliseconds(50)));
        Assert.Contains("'counter'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_ends_with_cancellation_when_the_token_is_cancelled()
    {
        var counter = Actor.Start(Counter());
        using var cancel = new CancellationTokenSource();
        var ask = counter.Ask<int>(r => new Ignore(r), Timeout.InfiniteTimeSpan, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_to_a_closed_actor_fails_at_once_and_the_request_is_a_dead_letter()
    {
        var deadLetters = new DeadLetters();
        var counter = Actor.Start(Counter(), "gone", new ActorOptions { DeadLetters = deadLetters });
        counter.Close();
        await counter.Completion;
        await Assert.ThrowsAsync<InvalidOperationException>(() => counter.Ask<int>(r => new GetTotal(r), Wait.Bound));
        Assert.Equal(1, deadLetters.Count);
    }

    [Fact]
    public void A_failure_under_the_stop_policy_faults_join_and_the_rest_of_the_mailbox_is_dead_letters()
    {
        var deadLetters = new DeadLetters();
        using var gate = new ManualResetEventSlim();
        var actor = Actor.Start<int>(m =>
        {
            gate.Wait(Wait.Bound);
            if (m == 2)
            {
                throw new FormatException("message 2 is malformed");
            }
        }, options: new ActorOptions { DeadLetters = deadLetters });
        for (var i = 1; i <= 5; i++)
        {
            actor.Send(i);
        }

        gate.Set();
        var error = Assert.Throws<FormatException>(() => actor.Join(Wait.Bound));
        Assert.Equal("message 2 is malformed", error.Message);
        Assert.Equal(3, deadLetters.Count);
        actor.Send(6);
        Assert.Equal(4, deadLetters.Count);
    }

    [Fact]
    public async Task Restart_gives_fresh_state_and_keeps_the_mailbox()
    {
        var created = 0;
        var counter = Actor.Start<CounterMessage>(() =>
        {
            created++;
            var handler = Counter()();
            return m =>
            {
                if (m is Add(< 0))
                {
                    throw new ArgumentOutOfRangeException(nameof(m), "negative amounts are refused");
                }

                handler(m);
            };
        }, options: new ActorOptions { Supervision = SupervisionPolicy.Restart(3, TimeSpan.FromMinutes(1)) });
        counter.Send(new Add(5));
        counter.Send(new Add(-1));
        counter.Send(new Add(7));
        Assert.Equal(7, await counter.Ask<int>(r => new GetTotal(r), Wait.Bound));
        Assert.Equal(1, counter.RestartCount);
        Assert.Equal(2, created);
    }

    [Fact]
    public void Restarts_beyond_the_limit_in_the_window_stop_the_actor_with_the_last_failure()
    {
        var actor = Actor.Start<int>(m => throw new InvalidOperationException($"failure {m}"),
            options: new ActorOptions { Supervision = SupervisionPolicy.Restart(2, TimeSpan.FromMinutes(1)) });
        for (var i = 1; i <= 5; i++)
        {
            actor.Send(i);
        }

        var error = Assert.Throws<InvalidOperationException>(() => actor.Join(Wait.Bound));
        Assert.Equal("failure 3", error.Message);
        Assert.Equal(2, actor.RestartCount);
    }

    [Fact]
    public void Restarts_older_than_the_window_do_not_count()
    {
        var actor = Actor.Start<int>(_ => throw new InvalidOperationException("always"),
            options: new ActorOptions { Supervision = SupervisionPolicy.Restart(1, TimeSpan.FromMilliseconds(20)) });
        actor.Send(1);
        Wait.Until(() => actor.RestartCount == 1, "the first restart");
        Thread.Sleep(60); // lets the window pass: the point of the test is the passing of time
        actor.Send(2);
        Wait.Until(() => actor.RestartCount == 2, "the second restart, after the window");
        Assert.False(actor.Completion.IsCompleted);
        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
    }

    [Fact]
    public void Resume_keeps_the_state_and_skips_only_the_failing_message()
    {
        var seen = new List<int>();
        var actor = Actor.Start<int>(m =>
        {
            if (m % 3 == 0)
            {
                throw new InvalidOperationException("multiples of 3 fail");
            }

            seen.Add(m);
        }, options: new ActorOptions { Supervision = SupervisionPolicy.Resume });
        for (var i = 1; i <= 7; i++)
        {
            actor.Send(i);
        }

        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal([1, 2, 4, 5, 7], seen);
    }

    [Fact]
    public async Task A_bounded_mailbox_refuses_try_send_when_full_and_send_async_waits_for_room()
    {
        using var inHandler = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        var handled = 0;
        var actor = Actor.Start<int>(_ =>
        {
            inHandler.Set();
            gate.Wait(Wait.Bound);
            Interlocked.Increment(ref handled);
        }, options: new ActorOptions { MailboxCapacity = 2 });
        actor.Send(1);
        Assert.True(inHandler.Wait(Wait.Bound));

        // Message 1 is in hand, so the capacity of 2 counts only what is queued behind it.
        Assert.True(actor.TrySend(2));
        Assert.True(actor.TrySend(3));
        Assert.False(actor.TrySend(4));
        var waiting = actor.SendAsync(5).AsTask();
        Assert.False(waiting.IsCompleted);
        gate.Set();
        await waiting.WaitAsync(Wait.Bound);
        actor.Close();
        await actor.Completion.WaitAsync(Wait.Bound);
        Assert.Equal(4, handled);
    }

    [Fact]
    public void Send_waiting_for_room_ends_with_cancellation_and_the_message_is_not_sent()
    {
        using var gate = new ManualResetEventSlim();
        var handled = 0;
        var actor = Actor.Start<int>(_ =>
        {
            gate.Wait(Wait.Bound);
            handled++;
        }, options: new ActorOptions { MailboxCapacity = 1 });
        actor.Send(1);
        Wait.Until(() => actor.TrySend(2), "room for a second message while the first is handled");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        Assert.ThrowsAny<OperationCanceledException>(() => actor.Send(3, cancel.Token));
        gate.Set();
        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
        Assert.Equal(2, handled);
    }

    [Fact]
    public void Turns_are_bounded_so_one_busy_actor_does_not_starve_another()
    {
        using var done = new CountdownEvent(2);
        var order = new ConcurrentQueue<string>();
        var options = new ActorOptions { MessagesPerTurn = 1 };
        var a = Actor.Start<int>(m => order.Enqueue($"a{m}"), "a", options);
        var b = Actor.Start<int>(m => order.Enqueue($"b{m}"), "b", options);
        for (var i = 0; i < 100; i++)
        {
            a.Send(i);
            b.Send(i);
        }

        a.Close();
        b.Close();
        Assert.True(a.Join(Wait.Bound));
        Assert.True(b.Join(Wait.Bound));
        Assert.Equal(200, order.Count);
        Assert.Equal(100, order.Count(s => s[0] == 'a'));
    }

    [Fact]
    public void Default_names_are_distinct()
    {
        var a = Actor.Start<int>(_ => { });
        var b = Actor.Start<int>(_ => { });
        Assert.StartsWith("actor-", a.Name, StringComparison.Ordinal);
        Assert.NotEqual(a.Name, b.Name);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_options()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Actor.Start<int>(_ => { }, options: new ActorOptions { MessagesPerTurn = 0 }));
        Assert.Equal("options", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Actor.Start<int>(_ => { }, options: new ActorOptions { MailboxCapacity = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SupervisionPolicy.Restart(-1, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SupervisionPolicy.Restart(1, TimeSpan.Zero));
    }
}

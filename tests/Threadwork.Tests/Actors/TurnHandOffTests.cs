using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

/// <summary>
/// A send from a handler hands the receiver's turn to the sender's thread; these tests show what that
/// must not break: counts and order, and every blocking wait of the library from inside a handler on
/// an actor it has just sent to (each would hang until the bound without the slot being given back).
/// </summary>
public sealed class TurnHandOffTests
{
    [Fact]
    public void A_pair_bouncing_a_counter_handles_every_bounce_once_in_order()
    {
        const int Bounces = 100_000;
        using var done = new ManualResetEventSlim();
        var seen = new List<int>[] { [], [] };
        HandlerActor<int>? second = null;
        var first = Actor.Start<int>(n =>
        {
            seen[0].Add(n);
            if (n == 0)
            {
                done.Set();
            }
            else
            {
                second!.Send(n - 1);
            }
        });
        second = Actor.Start<int>(n =>
        {
            seen[1].Add(n);
            if (n == 0)
            {
                done.Set();
            }
            else
            {
                first.Send(n - 1);
            }
        });

        first.Send(Bounces);
        Assert.True(done.Wait(Wait.Bound));
        first.Close();
        second.Close();
        Assert.True(first.Join(Wait.Bound));
        Assert.True(second.Join(Wait.Bound));
        Assert.Equal(Enumerable.Range(0, (Bounces / 2) + 1).Select(i => Bounces - (2 * i)), seen[0]);
        Assert.Equal(Enumerable.Range(0, Bounces / 2).Select(i => Bounces - 1 - (2 * i)), seen[1]);
    }

    [Fact]
    public void Many_pairs_at_once_each_finish_their_game()
    {
        const int Pairs = 50;
        const int Bounces = 2_000;
        using var done = new CountdownEvent(Pairs);
        var handled = 0;
        var firsts = new HandlerActor<int>[Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            HandlerActor<int>? second = null;
            var first = Actor.Start<int>(n => Bounce(n, second!));
            second = Actor.Start<int>(n => Bounce(n, first));
            firsts[p] = first;
        }

        foreach (var first in firsts)
        {
            first.Send(Bounces);
        }

        Assert.True(done.Wait(Wait.Bound));
        Assert.Equal(Pairs * (Bounces + 1), Volatile.Read(ref handled));

        void Bounce(int n, HandlerActor<int> partner)
        {
            Interlocked.Increment(ref handled);
            if (n == 0)
            {
                done.Signal();
            }
            else
            {
                partner.Send(n - 1);
            }
        }
    }

    [Fact]
    public void A_handler_filling_a_bounded_mailbox_it_has_just_sent_to_is_not_held_up()
    {
        const int Messages = 1_000;
        var received = 0;
        var sink = Actor.Start<int>(_ => received++, options: new ActorOptions { MailboxCapacity = 1 });
        var source = Actor.Start<int>(n =>
        {
            // The first send hands the sink's turn to this thread; the second waits for room, which
            // only the sink's turn makes.
            for (var i = 0; i < n; i++)
            {
                sink.Send(i);
            }

            sink.Close();
        });

        source.Send(Messages);
        Assert.True(sink.Join(Wait.Bound), "the sink's turn stayed held back behind the blocked sender");
        Assert.Equal(Messages, received);
    }

    [Fact]
    public void A_handler_blocking_on_an_ask_to_an_actor_it_has_just_sent_to_gets_the_reply()
    {
        var counter = Actor.Start<object>(() =>
        {
            var total = 0;
            return message =>
            {
                switch (message)
                {
                    case int amount:
                        total += amount;
                        break;
                    case Reply<int> reply:
                        reply.Complete(total);
                        break;
                }
            };
        });
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asker = Actor.Start<int>(amount =>
        {
            counter.Send(amount);

            // Blocking in a handler is poor style, but it must not hang: the counter's turn is given back.
            answer.SetResult(counter.Ask<int>(reply => reply, Wait.Bound).GetAwaiter().GetResult());
        });

        asker.Send(42);
        Assert.True(answer.Task.Wait(Wait.Bound), "the counter's turn stayed held back behind the blocked asker");
        Assert.Equal(42, answer.Task.Result);
    }

    [Fact]
    public void A_handler_joining_an_actor_it_has_just_sent_to_and_closed_sees_it_finish()
    {
        var handled = 0;
        var worker = Actor.Start<int>(_ => handled++);
        var joined = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var boss = Actor.Start<int>(n =>
        {
            for (var i = 0; i < n; i++)
            {
                worker.Send(i);
            }

            worker.Close();
            joined.SetResult(worker.Join(Wait.Bound));
        });

        boss.Send(10);
        Assert.True(joined.Task.Wait(Wait.Bound));
        Assert.True(joined.Task.Result, "the worker's turn stayed held back behind the joining handler");
        Assert.Equal(10, handled);
    }

    [Fact]
    public void A_reply_given_while_the_actor_has_more_queued_arrives_without_waiting_for_the_rest()
    {
        using var gate = new ManualResetEventSlim();
        using var first = new ManualResetEventSlim();
        var actor = Actor.Start<object>(message =>
        {
            switch (message)
            {
                case Reply<int> reply:
                    reply.Complete(7);
                    break;
                case "hold":
                    first.Set();
                    gate.Wait(Wait.Bound);
                    break;
            }
        });

        // The reply is given first; the next message then blocks the actor until the reply has arrived,
        // so the ask completes only if the reply is delivered while the actor is still in its turn.
        var ask = actor.Ask<int>(reply => reply, Wait.Bound);
        actor.Send("hold");
        Assert.True(ask.Wait(Wait.Bound), "the reply waited for the end of the actor's turn");
        Assert.Equal(7, ask.Result);
        gate.Set();
        actor.Close();
        Assert.True(actor.Join(Wait.Bound));
    }
}

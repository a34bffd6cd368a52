using System.Collections.Concurrent;
using Threadwork.Messaging;
using Threadwork.Queues;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Messaging;

public class ExchangeTests
{
    [Fact]
    public void Two_tasks_get_msg1_and_msg2_and_msg3_reaches_nobody_after_they_detach()
    {
        var exchange = new Exchange<string>("name");
        var taskA = new Recorder<string>("task_a");
        var taskB = new Recorder<string>("task_b");
        exchange.Attach(taskA);
        exchange.Attach(taskB);
        exchange.Send("msg1");
        exchange.Send("msg2");
        Assert.True(exchange.Detach(taskA));
        Assert.True(exchange.Detach(taskB));
        exchange.Send("msg3");

        Assert.Equal(["msg1", "msg2"], taskA.Received);
        Assert.Equal(["msg1", "msg2"], taskB.Received);
        Assert.Equal(0, exchange.SubscriberCount);
    }

    [Fact]
    public void Disposing_the_subscription_detaches_like_the_recipes_context_manager()
    {
        var exchange = new Exchange<string>("name");
        var task = new Recorder<string>("task");
        using (var subscription = exchange.Attach(task))
        {
            Assert.True(subscription.IsAttached);
            Assert.False(subscription.IsQueued);
            exchange.Send("inside");
        }

        exchange.Send("outside");
        Assert.Equal(["inside"], task.Received);
        Assert.False(exchange.Detach(task));
    }

    [Fact]
    public void Disposing_twice_detaches_once_and_completes()
    {
        var exchange = new Exchange<int>();
        var subscription = exchange.Attach(_ => { });
        Assert.False(subscription.Completion.IsCompleted);
        subscription.Dispose();
        subscription.Dispose();
        Assert.False(subscription.IsAttached);
        Assert.True(subscription.Completion.IsCompletedSuccessfully);
        Assert.Equal(0, exchange.SubscriberCount);
    }

    [Fact]
    public void Attaching_the_same_subscriber_twice_is_a_clear_error()
    {
        var exchange = new Exchange<string>("orders");
        var task = new Recorder<string>("task_a");
        exchange.Attach(task);
        var error = Assert.Throws<InvalidOperationException>(() => exchange.Attach(task));
        Assert.Equal("task_a is already attached to the exchange 'orders'; detach it first, or attach another instance.", error.Message);
        Assert.Equal(1, exchange.SubscriberCount);
    }

    [Fact]
    public void Delegate_queue_and_user_type_subscribers_each_receive_every_message()
    {
        var exchange = new Exchange<int>();
        var byDelegate = new List<int>();
        var queue = new WorkQueue<int>("inbox");
        var user = new Recorder<int>("user");
        exchange.Attach(byDelegate.Add);
        exchange.Attach(queue);
        exchange.Attach(user);

        for (var i = 1; i <= 3; i++)
        {
            exchange.Send(i);
        }

        queue.Close();
        Assert.Equal([1, 2, 3], byDelegate);
        Assert.Equal([1, 2, 3], queue.Consume().ToList());
        Assert.Equal([1, 2, 3], user.Received);
    }

    [Fact]
    public void A_closed_queue_is_a_reported_failure_and_the_others_still_receive()
    {
        var faults = new List<SubscriberFault>();
        var exchange = new Exchange<int>("numbers", faults.Add);
        var queue = new WorkQueue<int>("closed inbox");
        queue.Close();
        var subscription = exchange.Attach(queue);
        var user = new Recorder<int>("user");
        exchange.Attach(user);

        exchange.Send(7);

        Assert.Equal([7], user.Received);
        var fault = Assert.Single(faults);
        Assert.IsType<QueueClosedException>(fault.Error);
        Assert.Same(queue, fault.Subscriber);
        Assert.Equal(1, subscription.Failures);
    }

    [Fact]
    public void A_full_bounded_queue_is_a_reported_failure_and_the_send_does_not_wait()
    {
        var faults = new List<SubscriberFault>();
        var exchange = new Exchange<int>("numbers", faults.Add);
        var queue = new WorkQueue<int>(1, "small inbox");
        exchange.Attach(queue);
        var user = new Recorder<int>("user");
        exchange.Attach(user);

        exchange.Send(1);
        exchange.Send(2);

        Assert.Equal([1, 2], user.Received);
        Assert.Equal(1, queue.Count);
        var fault = Assert.Single(faults);
        Assert.Equal(2, fault.Message);
        Assert.Equal("The queue 'small inbox' is full (1 items); the message was not put.", fault.Error.Message);
    }

    [Fact]
    public void A_subscriber_detaching_itself_and_a_later_one_during_a_send_skips_only_that_later_one()
    {
        var exchange = new Exchange<string>();
        Subscription? second = null;
        Subscription? first = null;
        var firstRecorder = new Recorder<string>("first", _ =>
        {
            first!.Dispose();
            second!.Dispose();
        });
        var secondRecorder = new Recorder<string>("second");
        var third = new Recorder<string>("third");
        first = exchange.Attach(firstRecorder);
        second = exchange.Attach(secondRecorder);
        exchange.Attach(third);

        exchange.Send("during");
        exchange.Send("after");

        Assert.Equal(["during"], firstRecorder.Received);
        Assert.Empty(secondRecorder.Received);
        Assert.Equal(["during", "after"], third.Received);
        Assert.Equal(1, exchange.SubscriberCount);
    }

    [Fact]
    public void A_subscriber_attached_during_a_send_gets_the_next_message_not_that_one()
    {
        var exchange = new Exchange<string>();
        var late = new Recorder<string>("late");
        var attacher = new Recorder<string>("attacher", message =>
        {
            if (message == "first")
            {
                exchange.Attach(late);
            }
        });
        exchange.Attach(attacher);

        exchange.Send("first");
        exchange.Send("second");

        Assert.Equal(["second"], late.Received);
    }

    [Fact]
    public void A_throwing_subscriber_does_not_stop_the_others_and_its_failure_reaches_the_hook()
    {
        var faults = new ConcurrentQueue<SubscriberFault>();
        var exchange = new Exchange<string>("name", faults.Enqueue);
        var before = new Recorder<string>("before");
        var flaky = new Recorder<string>("flaky", message =>
        {
            if (message == "boom")
            {
                throw new InvalidOperationException("flaky cannot take boom");
            }
        });
        var after = new Recorder<string>("after");
        exchange.Attach(before);
        var flakySubscription = exchange.Attach(flaky);
        exchange.Attach(after);

        exchange.Send("ok");
        exchange.Send("boom");
        exchange.Send("ok again");

        Assert.Equal(["ok", "boom", "ok again"], before.Received);
        Assert.Equal(["ok", "boom", "ok again"], after.Received);
        var fault = Assert.Single(faults);
        Assert.Equal("name", fault.ExchangeName);
        Assert.Same(flaky, fault.Subscriber);
        Assert.Equal("boom", fault.Message);
        Assert.False(fault.Queued);
        Assert.Equal("flaky cannot take boom", fault.Error.Message);
        Assert.Equal("subscriber flaky of exchange 'name' failed on boom: InvalidOperationException: flaky cannot take boom", fault.ToString());
        Assert.Equal(1, flakySubscription.Failures);
        Assert.Empty(flakySubscription.UnreportedFaults);
    }

    [Fact]
    public void Throwing_subscribers_among_100_let_every_other_one_receive_in_order_and_each_throw_is_one_fault()
    {
        const int Subscribers = 100, Messages = 20;
        var faults = new ConcurrentQueue<SubscriberFault>();
        var exchange = new Exchange<int>("hundred", faults.Enqueue);
        var recorders = new Recorder<int>[Subscribers];
        for (var s = 0; s < Subscribers; s++)
        {
            // Every tenth subscriber from the 5th throws on every message, and the 50th on even ones only:
            // one send resumes past up to eleven of them, and never twice after one.
            var throwsOn = s % 10 == 4 ? (Func<int, bool>)(_ => true) : s == 50 ? m => m % 2 == 0 : _ => false;
            var name = $"s{s}";
            recorders[s] = new Recorder<int>(name, message =>
            {
                if (throwsOn(message))
                {
                    throw new InvalidOperationException($"{name} refuses {message}");
                }
            });
            exchange.Attach(recorders[s]);
        }

        for (var m = 0; m < Messages; m++)
        {
            exchange.Send(m);
        }

        Assert.All(recorders, r => Assert.Equal(Enumerable.Range(0, Messages), r.Received));
        var expected = new List<string>();
        for (var m = 0; m < Messages; m++)
        {
            for (var s = 0; s < Subscribers; s++)
            {
                if (s % 10 == 4 || (s == 50 && m % 2 == 0))
                {
                    expected.Add($"s{s} refuses {m}");
                }
            }
        }

        Assert.Equal(expected, faults.Select(f => f.Error.Message));
        Assert.All(faults, f => Assert.Equal($"{f.Subscriber} refuses {f.Message}", f.Error.Message));
    }

    [Fact]
    public void A_lone_subscriber_that_throws_is_reported_once_per_throw_and_keeps_receiving()
    {
        var faults = new ConcurrentQueue<SubscriberFault>();
        var exchange = new Exchange<int>("lone", faults.Enqueue);
        var got = new List<int>();
        var subscription = exchange.Attach(message =>
        {
            got.Add(message);
            if (message % 3 == 0)
            {
                throw new FormatException($"no {message}");
            }
        });

        for (var m = 1; m <= 9; m++)
        {
            exchange.Send(m);
        }

        Assert.Equal(Enumerable.Range(1, 9), got);
        Assert.Equal(["no 3", "no 6", "no 9"], faults.Select(f => f.Error.Message));
        Assert.Equal(3, subscription.Failures);
    }

    [Fact]
    public void A_synchronous_subscriber_detaching_a_queued_one_during_a_send_keeps_that_message_from_it()
    {
        var exchange = new Exchange<string>();
        var queuedGot = new ConcurrentQueue<string>();
        Subscription? queued = null;
        exchange.Attach(message =>
        {
            if (message == "detach")
            {
                queued!.Dispose();
            }
        });
        queued = exchange.Attach(queuedGot.Enqueue, new QueuedDelivery(10));

        exchange.Send("before");
        exchange.Send("detach");

        Assert.True(queued.Completion.Wait(Wait.Bound), "the detached queued subscriber never completed");
        Assert.Equal(["before"], queuedGot);
    }

    [Fact]
    public void Without_a_hook_a_synchronous_failure_is_thrown_only_after_the_queued_subscribers_got_the_message()
    {
        var exchange = new Exchange<int>("mixed");
        var queuedGot = new ConcurrentQueue<int>();
        exchange.Attach(_ => throw new FormatException("sync broke"));
        var queued = exchange.Attach(queuedGot.Enqueue, new QueuedDelivery(10));

        var error = Assert.Throws<AggregateException>(() => exchange.Send(7));
        queued.Dispose();

        Assert.Equal("sync broke", Assert.Single(error.InnerExceptions).Message);
        Assert.True(queued.Completion.Wait(Wait.Bound), "the queued subscriber never completed");
        Assert.Equal([7], queuedGot);
    }

    [Fact]
    public void Without_a_hook_send_throws_every_failure_after_every_other_subscriber_got_the_message()
    {
        var exchange = new Exchange<int>("numbers");
        var seen = new Recorder<int>("seen");
        exchange.Attach(_ => throw new FormatException("first"));
        exchange.Attach(seen);
        exchange.Attach(_ => throw new ArgumentException("second"));

        var error = Assert.Throws<AggregateException>(() => exchange.Send(1));

        Assert.Equal([1], seen.Received);
        Assert.Collection(
            error.InnerExceptions,
            e => Assert.Equal("first", Assert.IsType<FormatException>(e).Message),
            e => Assert.Equal("second", Assert.IsType<ArgumentException>(e).Message));
        Assert.StartsWith("2 subscriber(s) of exchange 'numbers' failed on a message and no fault hook took the failure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_hook_a_lone_subscribers_failure_is_thrown_by_send()
    {
        var exchange = new Exchange<int>("lone");
        var subscription = exchange.Attach(_ => throw new FormatException("alone"));

        var error = Assert.Throws<AggregateException>(() => exchange.Send(1));

        Assert.Equal("alone", Assert.IsType<FormatException>(Assert.Single(error.InnerExceptions)).Message);
        Assert.Equal(1, subscription.Failures);
    }

    [Fact]
    public void A_hook_that_throws_is_thrown_by_send_with_the_original_failure_and_delivery_goes_on()
    {
        var exchange = new Exchange<int>("numbers", _ => throw new InvalidOperationException("hook broke"));
        var seen = new Recorder<int>("seen");
        exchange.Attach(_ => throw new FormatException("subscriber broke"));
        exchange.Attach(seen);

        var error = Assert.Throws<AggregateException>(() => exchange.Send(1));

        Assert.Equal([1], seen.Received);
        var both = Assert.IsType<AggregateException>(Assert.Single(error.InnerExceptions));
        Assert.Collection(
            both.InnerExceptions,
            e => Assert.Equal("hook broke", e.Message),
            e => Assert.Equal("subscriber broke", e.Message));
    }

    [Fact]
    public void Concurrent_attach_detach_and_send_deliver_each_message_exactly_once_to_subscribers_attached_throughout()
    {
        const int Senders = 2, PerSender = 20_000, Total = Senders * PerSender, Stable = 3, Churners = 2;
        var exchange = new Exchange<int>("churn");
        var stableSeen = new int[Stable][];
        var lastBySender = new int[Stable][];
        var outOfOrder = 0;
        for (var s = 0; s < Stable; s++)
        {
            var seen = stableSeen[s] = new int[Total];
            var last = lastBySender[s] = Enumerable.Repeat(-1, Senders).ToArray();
            exchange.Attach(message =>
            {
                Interlocked.Increment(ref seen[message]);

                // Only the sender of this message writes its slot, so a plain read and write are enough.
                var sender = message / PerSender;
                if (message <= last[sender])
                {
                    Interlocked.Increment(ref outOfOrder);
                }

                last[sender] = message;
            });
        }

        var transientSeen = new ConcurrentBag<int[]>();
        var sendersDone = new CountdownEvent(Senders);
        var start = new Barrier(Senders + Churners);
        var failures = new ConcurrentQueue<Exception>();
        var threads = new List<Thread>();
        for (var p = 0; p < Senders; p++)
        {
            var first = p * PerSender;
            threads.Add(Run(() =>
            {
                start.SignalAndWait();
                for (var i = first; i < first + PerSender; i++)
                {
                    exchange.Send(i);
                }

                sendersDone.Signal();
            }));
        }

        for (var c = 0; c < Churners; c++)
        {
            var byDispose = c % 2 == 0;
            threads.Add(Run(() =>
            {
                start.SignalAndWait();
                while (!sendersDone.IsSet)
                {
                    var seen = new int[Total];
                    transientSeen.Add(seen);
                    var recorder = new Recorder<int>("transient", message => Interlocked.Increment(ref seen[message]));
                    var subscription = exchange.Attach(recorder);
                    Thread.Yield();
                    if (byDispose)
                    {
                        subscription.Dispose();
                    }
                    else
                    {
                        Assert.True(exchange.Detach(recorder));
                    }
                }
            }));
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(Wait.Bound), "a test thread did not finish");
        }

        Assert.Empty(failures);
        foreach (var seen in stableSeen)
        {
            Assert.All(seen, n => Assert.Equal(1, n));
        }

        Assert.Equal(0, outOfOrder);
        Assert.NotEmpty(transientSeen);
        Assert.All(transientSeen, seen => Assert.All(seen, n => Assert.InRange(n, 0, 1)));
        Assert.Equal(Stable, exchange.SubscriberCount);

        Thread Run(Action body)
        {
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                    sendersDone.Reset(0);
                }
            });
            thread.Start();
            return thread;
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_by_name()
    {
        var exchange = new Exchange<int>();
        Assert.Equal("subscriber", Assert.Throws<ArgumentNullException>(() => exchange.Attach((ISubscriber<int>)null!)).ParamName);
        Assert.Equal("handler", Assert.Throws<ArgumentNullException>(() => exchange.Attach((Action<int>)null!)).ParamName);
        Assert.Equal("queue", Assert.Throws<ArgumentNullException>(() => exchange.Attach((WorkQueue<int>)null!)).ParamName);
        Assert.Equal("queued", Assert.Throws<ArgumentNullException>(() => exchange.Attach(_ => { }, null!)).ParamName);
        Assert.Equal("subscriber", Assert.Throws<ArgumentNullException>(() => exchange.Detach(null!)).ParamName);
    }
}

using System.Collections.Concurrent;
using Threadwork.Messaging;

namespace Threadwork.Cli.PubSub;

/// <summary>
/// Recipe 12.11: an exchange that the recipe's tasks attach to and detach from, DisplayMessages counting
/// what it sees, then what goes beyond the recipe: a failing subscriber that stops nobody, a pattern
/// subscription across named exchanges, and queued delivery past a stuck subscriber.
/// </summary>
internal static class PubSubDemo
{
    /// <summary>Runs every part; returns false if any part saw other than what it should.</summary>
    public static async Task<bool> RunAsync(int messages, int backlog, TextWriter output, CancellationToken cancellationToken)
    {
        var registry = new ExchangeRegistry();
        var ok = RunRecipe(registry, output);
        output.WriteLine();
        ok &= RunDisplayMessages(registry, output);
        output.WriteLine();
        ok &= RunFailingSubscriber(output);
        output.WriteLine();
        ok &= RunPattern(registry, output);
        output.WriteLine();
        ok &= await RunQueuedAsync(messages, backlog, output, cancellationToken).ConfigureAwait(false);
        return ok;
    }

    /// <summary>The recipe's demo: two tasks get msg1 and msg2; after they detach, msg3 reaches nobody.</summary>
    public static bool RunRecipe(ExchangeRegistry registry, TextWriter output)
    {
        var exchange = registry.GetOrCreate<string>("name");
        var taskA = new RecipeTask("task_a", output);
        var taskB = new RecipeTask("task_b", output);
        using (exchange.Attach(taskA))
        using (exchange.Attach(taskB))
        {
            output.WriteLine($"Exchange '{exchange.Name}': task_a and task_b attached");
            exchange.Send("msg1");
            exchange.Send("msg2");
        }

        output.WriteLine("task_a and task_b detached");
        exchange.Send("msg3");
        var nobody = taskA.Received == 2 && taskB.Received == 2 && exchange.SubscriberCount == 0;
        output.WriteLine(nobody
            ? "Sent 'msg3': nobody received it (task_a and task_b still have 2 messages each)"
            : $"Sent 'msg3': WRONG, task_a has {taskA.Received} messages, task_b {taskB.Received}");
        return nobody;
    }

    /// <summary>The recipe's DisplayMessages, counting what it saw: "msg[1]: 'msg1'" and so on.</summary>
    public static bool RunDisplayMessages(ExchangeRegistry registry, TextWriter output)
    {
        var exchange = registry.GetOrCreate<string>("name");
        var display = new DisplayMessages(output);
        output.WriteLine("DisplayMessages attached");
        using (exchange.Attach(display))
        {
            exchange.Send("msg1");
            exchange.Send("msg2");
            exchange.Send("msg3");
        }

        return display.Count == 3;
    }

    /// <summary>A subscriber that throws: the fault hook hears of it and the subscribers after it still get the message.</summary>
    public static bool RunFailingSubscriber(TextWriter output)
    {
        var exchange = new Exchange<string>("alerts", fault =>
            output.WriteLine($"fault hook: {fault.Subscriber} threw on '{fault.Message}': {fault.Error.GetType().Name}: {fault.Error.Message}"));
        var first = new RecipeTask("first", output);
        var last = new RecipeTask("last", output);
        output.WriteLine("A subscriber that throws stops nobody:");
        exchange.Attach(first);
        exchange.Attach(new Flaky());
        exchange.Attach(last);
        exchange.Send("boom");
        return first.Received == 1 && last.Received == 1;
    }

    /// <summary>One subscriber on every exchange named orders.*, including one created after it subscribed.</summary>
    public static bool RunPattern(ExchangeRegistry registry, TextWriter output)
    {
        var seen = 0;
        output.WriteLine("Pattern subscription 'orders.*':");
        var created = registry.GetOrCreate<string>("orders.new");
        using (registry.SubscribePattern<string>("orders.*", message =>
        {
            seen++;
            output.WriteLine($"orders.* got '{message}'");
        }))
        {
            created.Send("order 1 created");
            registry.GetOrCreate<string>("orders.paid").Send("order 1 paid");
            registry.GetOrCreate<string>("users.new").Send("user 1 joined");
        }

        output.WriteLine($"orders.* saw {seen} of 3 messages ('user 1 joined' went to users.new, which it does not match)");
        return seen == 2;
    }

    /// <summary>
    /// Queued delivery: a slow subscriber stuck on message 1 with a small backlog, and a fast one. The fast
    /// one gets every message while the slow one is stuck; the slow one then gets message 1 and the newest
    /// messages its backlog kept (drop oldest), and says how many it dropped.
    /// </summary>
    public static async Task<bool> RunQueuedAsync(int messages, int backlog, TextWriter output, CancellationToken cancellationToken)
    {
        var exchange = new Exchange<int>("ticks");
        using var stuck = new SemaphoreSlim(0);
        using var release = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(release.Token, cancellationToken);
        var slowGot = new ConcurrentQueue<int>();
        var slow = exchange.Attach(
            message =>
            {
                slowGot.Enqueue(message);
                if (message == 1)
                {
                    stuck.Release();
                    linked.Token.WaitHandle.WaitOne();
                }
            },
            new QueuedDelivery(backlog, BacklogOverflow.DropOldest));
        var fastGot = 0;
        var fastDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fast = exchange.Attach(
            _ =>
            {
                if (++fastGot == messages)
                {
                    fastDone.TrySetResult();
                }
            },
            new QueuedDelivery(messages));
        try
        {
            output.WriteLine($"Queued delivery: slow (backlog {backlog}, drop oldest) and fast (backlog {messages})");
            exchange.Send(1);
            await stuck.WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 2; i <= messages; i++)
            {
                exchange.Send(i);
            }

            await fastDone.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"fast got all {fastGot} messages while slow was stuck on message 1");
        }
        finally
        {
            release.Cancel();
            slow.Dispose();
            fast.Dispose();
            await Task.WhenAll(slow.Completion, fast.Completion).ConfigureAwait(false);
        }

        var kept = Math.Min(backlog, messages - 1);
        int[] expected = [1, .. Enumerable.Range(messages - kept + 1, kept)];
        output.WriteLine($"slow got {string.Join(", ", slowGot)}; dropped {slow.Dropped}");
        return slowGot.SequenceEqual(expected) && slow.Dropped == messages - 1 - kept;
    }

    /// <summary>A subscriber that refuses every message.</summary>
    private sealed class Flaky : ISubscriber<string>
    {
        public void Send(string message) => throw new InvalidOperationException($"flaky refuses '{message}'");

        public override string ToString() => "flaky";
    }
}

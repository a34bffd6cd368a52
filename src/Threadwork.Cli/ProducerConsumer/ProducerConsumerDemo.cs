using Threadwork.Cli.CommandLine;
using Threadwork.Queues;
using Threadwork.Workers;

namespace Threadwork.Cli.ProducerConsumer;

/// <summary>Recipe 12.3: threads that talk through a queue, shut down by Close instead of a sentinel, and joined by task-done counting.</summary>
internal static class ProducerConsumerDemo
{
    /// <summary>
    /// <paramref name="producers"/> producers put the numbers 1..<paramref name="items"/> between them;
    /// <paramref name="consumers"/> consumers print "Got: N" and mark each done. Join waits for all of them
    /// to be done, Close ends every consumer's loop ("Consumer shutting down"). Fails if any number was
    /// lost or delivered twice.
    /// </summary>
    public static async Task RunAsync(int producers, int consumers, int items, TimeSpan interval, TextWriter output, CancellationToken cancellationToken)
    {
        var queue = new WorkQueue<int>("items");
        var delivered = new int[items + 1];
        var consumerWorkers = Enumerable.Range(1, consumers).Select(c => new Worker($"consumer-{c}", ctx =>
        {
            foreach (var item in queue.Consume(ctx.StopToken))
            {
                output.WriteLine($"Got: {item}");
                Interlocked.Increment(ref delivered[item]);
                queue.TaskDone();
            }

            output.WriteLine("Consumer shutting down");
        })).ToList();
        var producerWorkers = Enumerable.Range(0, producers).Select(p => new Worker($"producer-{p + 1}", ctx =>
        {
            for (var item = p + 1; item <= items; item += producers)
            {
                queue.Put(item, ctx.StopToken);
                if (interval > TimeSpan.Zero && !ctx.Sleep(interval))
                {
                    return;
                }
            }
        })).ToList();

        var all = consumerWorkers.Concat(producerWorkers).ToList();
        all.ForEach(w => w.Start());
        try
        {
            await Task.WhenAll(producerWorkers.Select(w => w.JoinAsync(cancellationToken))).ConfigureAwait(false);
            await queue.JoinAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"All {items} items done (queue joined)");
            queue.Close();
            await Task.WhenAll(consumerWorkers.Select(w => w.JoinAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            queue.Close();
            await WorkerCleanup.StopAndWaitAsync(all).ConfigureAwait(false);
        }

        var wrong = Enumerable.Range(1, items).Where(i => delivered[i] != 1).ToList();
        if (wrong.Count > 0)
        {
            throw new InvalidOperationException($"{wrong.Count} items were not delivered exactly once, e.g. {wrong[0]} ({delivered[wrong[0]]} times)");
        }

        output.WriteLine($"{items} items put by {producers} producers, each consumed exactly once by {consumers} consumers");
    }

    /// <summary>
    /// The recipe's priority queue: puts D, B, A, C with priorities that bring them out as A, B, C, D
    /// (B and C share a priority and leave in the order they were put), then a consumer takes them.
    /// </summary>
    public static async Task RunPriorityAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var queue = new PriorityWorkQueue<string>("priority");
        foreach (var (item, priority) in new[] { ("D", 0), ("B", 5), ("A", 10), ("C", 5) })
        {
            queue.Put(item, priority, cancellationToken);
            output.WriteLine($"Put: {item} (priority {priority})");
        }

        queue.Close();
        var consumer = new Worker("priority-consumer", ctx =>
        {
            foreach (var item in queue.Consume(ctx.StopToken))
            {
                output.WriteLine($"Got: {item}");
            }

            output.WriteLine("Consumer done");
        });
        consumer.Start();
        await consumer.JoinAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The recipe's (data, Event) pair, typed: a producer hands over an item and waits for the
    /// consumer's result — or its failure.
    /// </summary>
    public static async Task RunRequestReplyAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var requests = new WorkQueue<Request<string, int>>("requests");
        var consumer = new Worker("parser", ctx =>
        {
            foreach (var request in requests.Consume(ctx.StopToken))
            {
                request.Handle(text => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        consumer.Start();
        try
        {
            output.WriteLine($"Asked to parse \"42\", the consumer replied {await requests.AskAsync("42", cancellationToken).ConfigureAwait(false)}");
            try
            {
                await requests.AskAsync("forty-two", cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                output.WriteLine($"Asked to parse \"forty-two\", the consumer's failure came back: {e.GetType().Name}");
            }
        }
        finally
        {
            requests.Close();
            await WorkerCleanup.StopAndWaitAsync(consumer).ConfigureAwait(false);
        }
    }
}

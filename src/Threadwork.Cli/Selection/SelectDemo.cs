using System.Net;
using System.Net.Sockets;
using System.Text;
using Threadwork.Cli.CommandLine;
using Threadwork.Queues;
using Threadwork.Selection;
using Threadwork.Workers;

namespace Threadwork.Cli.Selection;

/// <summary>
/// Recipe 12.13: a consumer that waits on several queues at once, and on a queue and a socket, with
/// no socket pair per queue and no polling.
/// </summary>
internal static class SelectDemo
{
    /// <summary>
    /// The recipe's demo: 1, 10, "hello" and 15 are put on three queues (10 and 15 on the same one);
    /// one consumer selecting over all three prints "Got: X" for each. The queues are then closed and
    /// the consumer ends once all three report closed. Fails unless each item came once and 10 before 15.
    /// </summary>
    public static async Task RunRecipeAsync(bool useAsync, TextWriter output, CancellationToken cancellationToken)
    {
        WorkQueue<object>[] queues = [new("q1"), new("q2"), new("q3")];
        var select = Select.From(queues);
        var got = new List<object>();
        output.WriteLine($"One consumer selecting over queues {string.Join(", ", queues.Select(q => q.Name))} ({Form(useAsync)}):");

        await RunConsumerAsync(select, useAsync, result =>
        {
            if (result.Outcome == SelectOutcome.Item)
            {
                output.WriteLine($"Got: {result.Item}");
                got.Add(result.Item!);
            }
            else
            {
                select.Remove(result.Index);
            }
        }, () =>
        {
            queues[0].Put(1, cancellationToken);
            queues[1].Put(10, cancellationToken);
            queues[2].Put("hello", cancellationToken);
            queues[1].Put(15, cancellationToken);
            foreach (var queue in queues)
            {
                queue.Close();
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        var expected = new object[] { 1, 10, "hello", 15 };
        if (got.Count != expected.Length || expected.Any(e => got.Count(g => g.Equals(e)) != 1) || got.IndexOf(10) > got.IndexOf(15))
        {
            throw new InvalidOperationException($"expected 1, 10, hello, 15 each once and 10 before 15, got {string.Join(", ", got)}");
        }

        output.WriteLine("Consumer done: every queue closed and drained, each item taken once, 10 before 15");
    }

    /// <summary>
    /// One wait on a queue and a real socket on 127.0.0.1: the consumer is woken by a put, then by data
    /// on the socket (which it reads itself: select reads nothing), then by the end of the stream.
    /// </summary>
    public static async Task RunMixedAsync(bool useAsync, TextWriter output, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken).ConfigureAwait(false);
        using var server = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);

        var commands = new WorkQueue<object>("commands");
        var handled = new WorkQueue<string>("handled");
        var select = Select.From(commands);
        var socketCase = select.AddReadable(server);
        output.WriteLine($"One consumer waiting on queue 'commands' and socket {server.LocalEndPoint} at once ({Form(useAsync)}):");

        var buffer = new byte[64];
        await RunConsumerAsync(select, useAsync, result =>
        {
            switch (result.Outcome)
            {
                case SelectOutcome.Item:
                    output.WriteLine($"Got: {result.Item} (from queue '{result.Queue!.Name}')");
                    break;
                case SelectOutcome.Readable when result.Index == socketCase:
                    var n = server.Receive(buffer);
                    if (n == 0)
                    {
                        output.WriteLine("Readable: the peer closed the connection (end of stream)");
                        select.Remove(socketCase);
                    }
                    else
                    {
                        output.WriteLine($"Readable: received \"{Encoding.ASCII.GetString(buffer, 0, n)}\" from the socket");
                    }

                    break;
                default:
                    select.Remove(result.Index);
                    output.WriteLine($"Queue '{result.Queue?.Name}' closed");
                    break;
            }

            handled.Put(result.Outcome.ToString());
        }, async () =>
        {
            // One event at a time, each after the last was handled, so the lines come out in this order.
            commands.Put("start", cancellationToken);
            await handled.GetAsync(cancellationToken).ConfigureAwait(false);
            client.Send("ping"u8);
            await handled.GetAsync(cancellationToken).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Send);
            await handled.GetAsync(cancellationToken).ConfigureAwait(false);
            commands.Put("stop", cancellationToken);
            await handled.GetAsync(cancellationToken).ConfigureAwait(false);
            commands.Close();
        }, cancellationToken).ConfigureAwait(false);

        output.WriteLine("Consumer done: the queue closed and the socket at its end");
    }

    private static string Form(bool useAsync) => useAsync ? "WaitAsync" : "a blocking Wait on a worker thread";

    /// <summary>Runs the select loop until no case is left, while <paramref name="drive"/> feeds it; waits for both.</summary>
    private static async Task RunConsumerAsync(Selector<object> select, bool useAsync, Action<SelectResult<object>> handle, Func<Task> drive, CancellationToken cancellationToken)
    {
        if (useAsync)
        {
            var consumer = Task.Run(async () =>
            {
                while (select.Count > 0)
                {
                    handle(await select.WaitAsync(cancellationToken).ConfigureAwait(false));
                }
            }, cancellationToken);
            await drive().ConfigureAwait(false);
            await consumer.ConfigureAwait(false);
            return;
        }

        var worker = new Worker("consumer", ctx =>
        {
            while (select.Count > 0)
            {
                handle(select.Wait(ctx.StopToken));
            }
        });
        worker.Start();
        try
        {
            await drive().ConfigureAwait(false);
            await worker.JoinAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(worker).ConfigureAwait(false);
        }
    }
}

using NATS.Client.Core;
using Threadwork.Cli.CommandLine;
using Threadwork.Nats;

namespace Threadwork.Cli.Work;

/// <summary>What <c>threadwork work put|consume|join</c> do, once their options are read.</summary>
internal static class WorkRun
{
    public static async Task<int> PutAsync(string name, string[] items, NatsOptions nats, System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        if (!Valid(name))
        {
            return 2;
        }

        await using var link = await nats.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
        if (link is null || await OpenAsync(link, name, null, cancellationToken).ConfigureAwait(false) is not { } queue)
        {
            return NatsOptions.Unavailable;
        }

        var put = 0;
        try
        {
            if (items.Length > 0)
            {
                foreach (var item in items)
                {
                    await queue.PutAsync(item, cancellationToken).ConfigureAwait(false);
                    put++;
                }
            }
            else
            {
                while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    await queue.PutAsync(line, cancellationToken).ConfigureAwait(false);
                    put++;
                }
            }
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"threadwork: putting on '{name}' at {link.Server} failed after {put} item(s): {e.Message}").ConfigureAwait(false);
            return NatsOptions.Unavailable;
        }

        await Console.Error.WriteLineAsync($"threadwork: put {put} item(s) on '{name}' at {link.Server}").ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> ConsumeAsync(string name, int? count, TimeSpan hold, TimeSpan? ackWait, NatsOptions nats, System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        if (!Valid(name))
        {
            return 2;
        }

        await using var link = await nats.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
        if (link is null || await OpenAsync(link, name, ackWait, cancellationToken).ConfigureAwait(false) is not { } queue)
        {
            return NatsOptions.Unavailable;
        }

        await Console.Error.WriteLineAsync($"threadwork: consuming '{name}' at {link.Server}{(count is { } n ? $"; exiting after {n} item(s)" : "; Ctrl-C to stop")}").ConfigureAwait(false);
        for (var done = 0; count is null || done < count; done++)
        {
            NatsWorkItem<string> item;
            try
            {
                item = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException unreadable)
            {
                await Console.Error.WriteLineAsync($"threadwork: {unreadable.Message}").ConfigureAwait(false);
                continue;
            }

            // Printed before it is acknowledged: a consumer stopped in between leaves the item to another (at least once).
            await Console.Out.WriteLineAsync(item.Value).ConfigureAwait(false);
            if (hold > TimeSpan.Zero)
            {
                await Task.Delay(hold, cancellationToken).ConfigureAwait(false);
            }

            await item.TaskDoneAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    public static async Task<int> JoinAsync(string name, TimeSpan timeout, NatsOptions nats, System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
    {
        if (!Valid(name))
        {
            return 2;
        }

        await using var link = await nats.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
        if (link is null || await OpenAsync(link, name, null, cancellationToken).ConfigureAwait(false) is not { } queue)
        {
            return NatsOptions.Unavailable;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await queue.JoinAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var left = await queue.CountUnfinishedAsync(cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"threadwork: '{name}' still has {left} unacknowledged item(s) after {Durations.Format(timeout)}").ConfigureAwait(false);
            return 1;
        }

        await Console.Out.WriteLineAsync($"'{name}': every item put has been acknowledged").ConfigureAwait(false);
        return 0;
    }

    private static bool Valid(string name)
    {
        try
        {
            NatsWorkQueue.ValidateName(name);
            return true;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"threadwork: queue: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
            return false;
        }
    }

    private static async Task<NatsWorkQueue<string>?> OpenAsync(NatsLink link, string name, TimeSpan? ackWait, CancellationToken cancellationToken)
    {
        try
        {
            return await NatsWorkQueue.OpenAsync(link, name, new NatsWorkQueueOptions { AckWait = ackWait }, NatsDefaultSerializer<string>.Default, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsConnectException e)
        {
            await Console.Error.WriteLineAsync($"threadwork: {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}

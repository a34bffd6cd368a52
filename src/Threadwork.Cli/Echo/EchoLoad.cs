using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Spectre.Console;

namespace Threadwork.Cli.Echo;

/// <summary>
/// <c>threadwork echo load</c>: opens every connection first, then sends each connection's share of
/// the round trips one after another, checks every echoed byte, and reports throughput and latency.
/// Sending and receiving overlap, so a message larger than the socket buffers cannot deadlock.
/// </summary>
internal static class EchoLoad
{
    /// <summary>Connects in flight at once: enough to open thousands quickly, few enough not to overrun the server's accept backlog.</summary>
    private const int ConnectsAtOnce = 4;

    /// <summary>Runs the load; 0 when every byte came back right, 1 (with the reason on standard error) otherwise.</summary>
    public static async Task<bool> RunAsync(EchoLoadSettings settings, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var sockets = new Socket?[settings.Connections];
        try
        {
            await ConnectAllAsync(settings, sockets, cancellationToken).ConfigureAwait(false);
            if (settings.Hold > TimeSpan.Zero)
            {
                output.WriteLine($"Holding {settings.Connections} connections open for {CommandLine.Durations.Format(settings.Hold)}");
                await Task.Delay(settings.Hold, cancellationToken).ConfigureAwait(false);
            }

            var latencies = new long[settings.Messages];
            var done = new StrongBox(0);
            var clock = Stopwatch.StartNew();
            var run = Task.WhenAll(sockets.Select((socket, i) => Task.Run(() => DriveAsync(socket!, i, settings, latencies, done, cancellationToken), cancellationToken)));
            await ShowProgressAsync(run, done, settings.Messages, json, output).ConfigureAwait(false);
            await run.ConfigureAwait(false);
            clock.Stop();
            Report(settings, latencies, clock.Elapsed, json, output);
            return true;
        }
        catch (EchoLoadFailure e)
        {
            await Console.Error.WriteLineAsync($"threadwork: echo load failed: {e.Message}").ConfigureAwait(false);
            return false;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task ConnectAllAsync(EchoLoadSettings settings, Socket?[] sockets, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(ConnectsAtOnce);
        await Task.WhenAll(Enumerable.Range(0, sockets.Length).Select(async i =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var socket = new Socket(settings.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets[i] = socket;
                await socket.ConnectAsync(settings.Server, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new EchoLoadFailure($"connection {i + 1} of {sockets.Length}: cannot connect to {settings.Server}: {e.Message}");
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>One connection's share of the round trips, in order, each checked byte for byte.</summary>
    private static async Task DriveAsync(Socket socket, int connection, EchoLoadSettings settings, long[] latencies, StrongBox done, CancellationToken cancellationToken)
    {
        var share = (settings.Messages / settings.Connections) + (connection < settings.Messages % settings.Connections ? 1 : 0);
        var first = (connection * (settings.Messages / settings.Connections)) + Math.Min(connection, settings.Messages % settings.Connections);

        // Each connection sends windows of its own random bytes, shifted by one for every message, so
        // an echo from another connection, a stale one or a shifted one never matches by chance.
        var pattern = new byte[settings.Size + 256];
        new Random(connection).NextBytes(pattern);
        var received = new byte[settings.Size];
        for (var m = 0; m < share; m++)
        {
            var message = pattern.AsMemory(m % 256, settings.Size);
            var start = Stopwatch.GetTimestamp();
            var sending = SendAllAsync(socket, message, cancellationToken);
            try
            {
                for (var got = 0; got < settings.Size;)
                {
                    var n = await socket.ReceiveAsync(received.AsMemory(got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new EchoLoadFailure($"connection {connection + 1}: the server closed the connection during message {m + 1} of {share} ({got} of {settings.Size} bytes echoed)");
                    }

                    got += n;
                }

                await sending.ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new EchoLoadFailure($"connection {connection + 1}: {e.Message} during message {m + 1} of {share}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new EchoLoadFailure($"connection {connection + 1}: the connection failed during message {m + 1} of {share}");
            }

            latencies[first + m] = Stopwatch.GetTimestamp() - start;
            var wrong = received.AsSpan().CommonPrefixLength(message.Span);
            if (wrong < settings.Size)
            {
                throw new EchoLoadFailure($"connection {connection + 1}, message {m + 1}: byte {wrong + 1} of {settings.Size} came back as 0x{received[wrong]:x2}, but 0x{message.Span[wrong]:x2} was sent");
            }

            Interlocked.Increment(ref done.Value);
        }

        // Half-close and read to the end: the server must echo nothing more, and close its side.
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            if (await socket.ReceiveAsync(received, SocketFlags.None, cancellationToken).ConfigureAwait(false) != 0)
            {
                throw new EchoLoadFailure($"connection {connection + 1}: the server sent bytes that were never sent to it");
            }
        }
        catch (SocketException e)
        {
            throw new EchoLoadFailure($"connection {connection + 1}: {e.Message} while closing, after every echo was checked");
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        while (!message.IsEmpty)
        {
            var sent = await socket.SendAsync(message, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            message = message[sent..];
        }
    }

    private static async Task ShowProgressAsync(Task run, StrongBox done, int total, bool json, TextWriter output)
    {
        if (json || Console.IsOutputRedirected || !ReferenceEquals(output, Console.Out))
        {
            await run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask("round trips", maxValue: total);
            while (!run.IsCompleted)
            {
                task.Value = Volatile.Read(ref done.Value);
                await Task.WhenAny(run, Task.Delay(100)).ConfigureAwait(false);
            }

            task.Value = Volatile.Read(ref done.Value);
        }).ConfigureAwait(false);
    }

    private static void Report(EchoLoadSettings settings, long[] latencies, TimeSpan elapsed, bool json, TextWriter output)
    {
        Array.Sort(latencies);
        double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => Milliseconds(latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)]);
        var perSecond = settings.Messages / elapsed.TotalSeconds;
        var megabytes = (double)settings.Messages * settings.Size / (1024 * 1024) / elapsed.TotalSeconds;
        var (p50, p99, max) = (Percentile(0.50), Percentile(0.99), Milliseconds(latencies[^1]));
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double>
            {
                ["connections"] = settings.Connections,
                ["round_trips"] = settings.Messages,
                ["size"] = settings.Size,
                ["seconds"] = elapsed.TotalSeconds,
                ["round_trips_per_second"] = perSecond,
                ["megabytes_per_second"] = megabytes,
                ["p50_ms"] = p50,
                ["p99_ms"] = p99,
                ["max_ms"] = max,
            }));
            return;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{settings.Messages:N0} round trips of {settings.Size:N0} bytes over {settings.Connections:N0} connections in {elapsed.TotalSeconds:0.00}s, every byte verified"));
        output.WriteLine(string.Create(c, $"{perSecond:N0} round trips/s, {megabytes:0.0} MB/s each way"));
        output.WriteLine(string.Create(c, $"latency p50 {p50:0.000} ms, p99 {p99:0.000} ms, max {max:0.000} ms"));
    }

    /// <summary>A counter the connections share with the progress display.</summary>
    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }
}

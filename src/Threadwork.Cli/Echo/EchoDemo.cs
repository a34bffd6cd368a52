using System.Net;
using System.Net.Sockets;
using System.Text;
using Threadwork.Local;
using Threadwork.Pools;

namespace Threadwork.Cli.Echo;

/// <summary>The tour's short live demos of recipes 12.6 and 12.7, against an echo server run in-process.</summary>
internal static class EchoDemo
{
    /// <summary>Recipe 12.6: threads share one <see cref="LazyConnection"/>, and each talks over its own socket.</summary>
    public static async Task RunLazyConnectionAsync(int threads, TextWriter output, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(EchoMode.Async, workers: 1, TextWriter.Null, cancellationToken).ConfigureAwait(false);
        var conn = new LazyConnection(server.Address);
        output.WriteLine($"One LazyConnection to {server.Address}, shared by {threads} threads; nothing is connected yet");
        var lines = new string[threads];
        await CommandLine.StartingLine.RunTogetherAsync(threads, t => $"Thread-{t + 1}", (t, ctx) =>
        {
            using var scope = conn.Enter(ctx.StopToken);
            var port = ((IPEndPoint)scope.Resource.LocalEndPoint!).Port;
            var reply = Ask(conn.Current, $"hello from Thread-{t + 1}");
            string nested;
            using (var inner = conn.Enter(ctx.StopToken))
            {
                nested = $"a nested scope connects again (port {((IPEndPoint)inner.Resource.LocalEndPoint!).Port})";
            }

            lines[t] = $"Thread-{t + 1}: its own socket (port {port}) echoed '{reply}'; {nested}";
        }, cancellationToken).ConfigureAwait(false);
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        output.WriteLine($"Every scope has ended: {server.Server.Accepted} connections opened, each closed by its own thread");
    }

    /// <summary>Recipe 12.7: a <see cref="WorkerPool"/>'s futures, ordered map and fault isolation, then the pool echo server saying that clients wait.</summary>
    public static async Task RunPoolAsync(TextWriter output, CancellationToken cancellationToken)
    {
        using (var pool = new WorkerPool(4, "pool", backlogCapacity: 16))
        {
            var answer = pool.Submit(() => 6 * 7, cancellationToken);
            var failing = pool.Submit<int>(() => throw new FormatException("bad input"), cancellationToken);
            var squares = string.Join(", ", pool.Map(Enumerable.Range(1, 8), n => n * n, lookAhead: 4, cancellationToken));
            output.WriteLine($"Submit: {await answer.ConfigureAwait(false)}; Map, in input order with 4 in flight at most: {squares}");
            await ((Task)failing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            output.WriteLine($"A job that throws faults its own task ({failing.Exception!.InnerException!.GetType().Name}); the pool still has {pool.ThreadCount} threads");
            await pool.ShutdownAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        using var log = new LineWatcher("new clients wait");
        await using (var server = await StartAsync(EchoMode.Pool, workers: 2, log, cancellationToken).ConfigureAwait(false))
        {
            output.WriteLine($"Echo server on a pool of 2 workers at {server.Address}; 3 clients connect:");
            using var first = Connect(server.Address);
            using var second = Connect(server.Address);
            Ask(first, "one");
            Ask(second, "two");
            using var third = Connect(server.Address);
            third.Send("three"u8);
            var waited = await log.Seen.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            output.WriteLine($"  server: {waited}");
            first.Dispose();
            output.WriteLine($"  the first client leaves; the third is served: '{Receive(third, 5)}'");
        }

        output.WriteLine("  (the recipe's ThreadPoolExecutor(128) makes the 129th client wait without a word)");
    }

    private static string Ask(Socket socket, string text)
    {
        socket.Send(Encoding.ASCII.GetBytes(text));
        return Receive(socket, text.Length);
    }

    private static string Receive(Socket socket, int length)
    {
        var buffer = new byte[length];
        for (var read = 0; read < length;)
        {
            var n = socket.Receive(buffer, read, length - read, SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("the echo server closed the connection early");
            }

            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    private static Socket Connect(IPEndPoint address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
        socket.Connect(address);
        return socket;
    }

    private static async Task<RunningServer> StartAsync(EchoMode mode, int workers, TextWriter log, CancellationToken cancellationToken)
    {
        var server = mode == EchoMode.Pool
            ? (EchoServer)new PoolEchoServer(new EchoServerSettings(new IPEndPoint(IPAddress.Loopback, 0), mode, workers, null, Quiet: true), log)
            : new AsyncEchoServer(new EchoServerSettings(new IPEndPoint(IPAddress.Loopback, 0), mode, workers, null, Quiet: true), log);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Task.Run(() => server.RunAsync(stop.Token), CancellationToken.None);
        await Task.Yield();
        return new RunningServer(server, stop, running);
    }

    /// <summary>An in-process echo server that stops, closing its connections, when disposed.</summary>
    private sealed class RunningServer(EchoServer server, CancellationTokenSource stop, Task running) : IAsyncDisposable
    {
        public EchoServer Server => server;

        public IPEndPoint Address => server.BoundAddress;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
            server.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>A log that completes <see cref="Seen"/> with the first line ending in the text it watches for.</summary>
    private sealed class LineWatcher(string ending) : TextWriter
    {
        private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Seen => _seen.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            if (value?.EndsWith(ending, StringComparison.Ordinal) == true)
            {
                _seen.TrySetResult(value);
            }
        }
    }
}

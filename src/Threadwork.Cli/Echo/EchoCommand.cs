using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Echo;

/// <summary><c>threadwork echo serve</c> and <c>threadwork echo load</c>: recipes 12.6–12.7's echo server, and a client that measures it.</summary>
internal static class EchoCommand
{
    public static Command Create() => new("echo", "Recipes 12.6–12.7: an echo server on a worker pool or on async sockets, and a load client that checks every byte")
    {
        CreateServe(),
        CreateLoad(),
    };

    private static Command CreateServe()
    {
        var host = EchoOptions.Host("Address or host name to listen on");
        var port = EchoOptions.Port(15000, allowZero: true, "Port to listen on; 0 picks a free one (the line 'Echo server running at HOST:PORT' tells which)");
        var mode = new Option<EchoMode>("--mode")
        {
            Description = "pool: the recipe, one blocking worker thread per connection; async: async sockets, for thousands of connections",
            DefaultValueFactory = _ => EchoMode.Pool,
        };
        var workers = Options.Int("--workers", 128, 1, "Worker threads in pool mode (the recipe's ThreadPoolExecutor(128))");
        var maxConnections = new Option<int?>("--max-connections")
        {
            Description = "Most connections open at once; further clients wait until one closes (default: no limit)",
            CustomParser = result =>
            {
                var token = result.Tokens[0].Value;
                if (!int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 1)
                {
                    result.AddError($"--max-connections must be a whole number, 1 or more, but was '{token}'.");
                }

                return value;
            },
        };
        var quiet = new Option<bool>("--quiet") { Description = "Leave out the per-connection lines" };
        var command = new Command("serve", "Serves the echo protocol until Ctrl-C or SIGTERM, then closes every connection and exits 0")
        {
            host, port, mode, workers, maxConnections, quiet,
        };
        command.SetAction((parse, token) => ServeAsync(
            new EchoServerSettings(new IPEndPoint(parse.GetValue(host)!, parse.GetValue(port)), parse.GetValue(mode), parse.GetValue(workers), parse.GetValue(maxConnections), parse.GetValue(quiet)),
            Console.Out,
            token));
        return command;
    }

    private static Command CreateLoad()
    {
        var host = EchoOptions.Host("Address or host name of the server");
        var port = EchoOptions.Port(15000, allowZero: false, "Port of the server");
        var connections = Options.Int("--connections", 64, 1, "Connections, all opened before the first message and kept open to the end");
        var messages = Options.Int("--messages", 10000, 1, "Round trips in all, spread evenly over the connections");
        var size = Options.Int("--size", 1024, 1, "Bytes per message");
        var hold = Options.Duration("--hold", TimeSpan.Zero, "How long to keep every connection open and idle before the first message (to measure the server at rest)", allowZero: true);
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of text" };
        var command = new Command("load", "Drives an echo server: every echoed byte is checked; prints round trips/s, MB/s and latency p50/p99/max; exit 1 on a mismatch or a dropped connection")
        {
            host, port, connections, messages, size, hold, json,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => EchoLoad.RunAsync(
                new EchoLoadSettings(new IPEndPoint(parse.GetValue(host)!, parse.GetValue(port)), parse.GetValue(connections), parse.GetValue(messages), parse.GetValue(size), parse.GetValue(hold)),
                parse.GetValue(json),
                Console.Out,
                cancel),
            token));
        return command;
    }

    private static async Task<int> ServeAsync(EchoServerSettings settings, TextWriter output, CancellationToken stopToken)
    {
        if (settings.Mode == EchoMode.Async)
        {
            // Run socket completions on the runtime's epoll thread instead of handing each one to the
            // thread pool: the echo loop never blocks, and skipping the hand-off saves about a fifth of
            // the server's CPU per round trip (see docs/benchmarks.md). The runtime reads this once,
            // when the first asynchronous socket operation starts, so it must be set before any.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        EchoServer server;
        try
        {
            server = settings.Mode == EchoMode.Pool ? new PoolEchoServer(settings, output) : new AsyncEchoServer(settings, output);
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"threadwork: cannot listen on {settings.Address}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        long accepted;
        using (server)
        {
            var how = settings.Mode == EchoMode.Pool ? $"pool mode, {settings.Workers} workers" : "async mode";
            var limit = settings.MaxConnections is { } max ? $", at most {max} connections" : string.Empty;
            output.WriteLine($"Echo server running at {server.BoundAddress} ({how}{limit}; Ctrl-C or SIGTERM stops it)");
            await server.RunAsync(stopToken).ConfigureAwait(false);
            accepted = server.Accepted;
        }

        output.WriteLine($"Echo server stopped: {accepted} connections served, every one closed");
        return 0;
    }
}

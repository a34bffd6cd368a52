using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Threadwork.Cli.Tests;

public class CoroutineCommandTests
{
    // What the seed's TaskScheduler prints for countdown(10), countdown(5), countup(15): the output of
    // `python3` running the seed's 12.12 code, pasted here (32 lines).
    private static readonly string[] SeedOutput =
    [
        "T-minus 10", "T-minus 5", "Counting up 0",
        "T-minus 9", "T-minus 4", "Counting up 1",
        "T-minus 8", "T-minus 3", "Counting up 2",
        "T-minus 7", "T-minus 2", "Counting up 3",
        "T-minus 6", "T-minus 1", "Counting up 4",
        "T-minus 5", "Blastoff!", "Counting up 5",
        "T-minus 4", "Counting up 6",
        "T-minus 3", "Counting up 7",
        "T-minus 2", "Counting up 8",
        "T-minus 1", "Counting up 9",
        "Blastoff!", "Counting up 10",
        "Counting up 11", "Counting up 12", "Counting up 13", "Counting up 14",
    ];

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void Coroutines_prints_the_seed_schedulers_lines_in_the_seed_schedulers_order()
    {
        var result = ThreadworkProcess.Run("coroutines", "--counter-from", "0");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(SeedOutput, result.Lines);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Coroutines_then_runs_the_actor_demo_printer_getting_every_number_from_10000_down_once_in_order()
    {
        var result = ThreadworkProcess.Run("coroutines");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(SeedOutput, result.Lines.Take(SeedOutput.Length));
        Assert.Equal(Enumerable.Range(1, 10_000).Reverse().Select(n => $"Got: {n}"), result.Lines.Skip(SeedOutput.Length));
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Echo_serves_100_clients_at_once_from_one_thread_replying_GOT_to_each_line()
    {
        using var server = EchoServer.Start("--port", "0");
        const int Clients = 100;
        const int Lines = 20;
        var clients = Enumerable.Range(0, Clients).Select(async c =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.Endpoint);
            var sent = new StringBuilder();
            for (var l = 0; l < Lines; l++)
            {
                sent.Append(CultureInfo.InvariantCulture, $"client {c} line {l}\n");
            }

            // Sent in two pieces that split a line, so the server must join a line across receives.
            var bytes = Encoding.ASCII.GetBytes(sent.ToString());
            await socket.SendAsync(bytes.AsMemory(0, bytes.Length / 2 + 3));
            await Task.Yield();
            await socket.SendAsync(bytes.AsMemory(bytes.Length / 2 + 3));
            socket.Shutdown(SocketShutdown.Send);
            return (Client: c, Reply: await ReadToEndAsync(socket));
        }).ToArray();

        foreach (var (client, reply) in await Task.WhenAll(clients).WaitAsync(Bound))
        {
            var expected = string.Concat(Enumerable.Range(0, Lines).Select(l => $"GOT:client {client} line {l}\n"));
            Assert.Equal(expected, reply);
        }

        var output = server.Stop();
        Assert.Equal(Clients, output.Count(l => l.StartsWith("Got connection from 127.0.0.1:", StringComparison.Ordinal)));
        Assert.Equal(Clients, output.Count(l => l.StartsWith("Client 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(" closed", StringComparison.Ordinal)));
        Assert.DoesNotContain("failed", server.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_reports_a_failing_client_coroutine_by_name_on_stderr_and_keeps_serving_the_others()
    {
        using var server = EchoServer.Start("--port", "0", "--quiet");
        string resetPeer;
        using (var resetting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            resetting.Connect(server.Endpoint);
            resetPeer = resetting.LocalEndPoint!.ToString()!;
            resetting.Send("half a line"u8);
            resetting.LingerState = new LingerOption(true, 0);   // close with a reset, not a clean FIN
        }

        server.WaitForError($"coroutine 'client {resetPeer}' failed: SocketException");

        using var healthy = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        healthy.Connect(server.Endpoint);
        healthy.Send("still there?\nlast line without newline"u8);
        healthy.Shutdown(SocketShutdown.Send);
        Assert.Equal("GOT:still there?\nGOT:last line without newline", await ReadToEndAsync(healthy).WaitAsync(Bound));

        var output = server.Stop();
        Assert.Equal([$"Coroutine echo server running at {server.Endpoint}"], output);
    }

    [Fact]
    public void Echo_ends_on_SIGTERM_with_exit_130_and_refuses_a_bad_port_or_a_port_in_use()
    {
        using (var server = EchoServer.Start("--port", "0"))
        {
            using var busy = new TcpListener(IPAddress.Loopback, 0);
            busy.Start();
            var inUse = ThreadworkProcess.Run("coroutines", "echo", "--port", ((IPEndPoint)busy.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
            Assert.True(inUse.ExitCode == 1, inUse.ToString());
            Assert.Contains("cannot listen on 127.0.0.1:", inUse.Stderr, StringComparison.Ordinal);

            var exitCode = server.Terminate();
            Assert.Equal(130, exitCode);
            Assert.Contains("interrupted", server.Errors, StringComparison.Ordinal);
        }

        var badPort = ThreadworkProcess.Run("coroutines", "echo", "--port", "70000");
        Assert.True(badPort.ExitCode == 2, badPort.ToString());
        Assert.Contains("--port must be 65535 or less, but was 70000.", badPort.Stderr, StringComparison.Ordinal);
        var badHost = ThreadworkProcess.Run("coroutines", "echo", "--host", "localhost:80");
        Assert.True(badHost.ExitCode == 2, badHost.ToString());
        Assert.Contains("--host: 'localhost:80' is not an IP address", badHost.Stderr, StringComparison.Ordinal);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>A running <c>threadwork coroutines echo</c> process, its endpoint read from its first line.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _rest;
        private readonly StringBuilder _errors = new();
        private readonly Lock _errorsLock = new();

        private EchoServer(Process process)
        {
            _process = process;
            var first = process.StandardOutput.ReadLineAsync();
            Assert.True(first.Wait(Bound), "the server did not print its 'running at' line");
            FirstLine = first.Result ?? throw new InvalidOperationException("the server exited before it listened: " + process.StandardError.ReadToEnd());
            var prefix = "Coroutine echo server running at ";
            Assert.StartsWith(prefix, FirstLine, StringComparison.Ordinal);
            Endpoint = IPEndPoint.Parse(FirstLine[prefix.Length..]);
            _rest = process.StandardOutput.ReadToEndAsync();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_errorsLock)
                    {
                        _errors.AppendLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
        }

        public string FirstLine { get; }

        public IPEndPoint Endpoint { get; }

        public string Errors
        {
            get
            {
                lock (_errorsLock)
                {
                    return _errors.ToString();
                }
            }
        }

        public static EchoServer Start(params string[] options) => new(ThreadworkProcess.Start(["coroutines", "echo", .. options]));

        public void WaitForError(string text) =>
            Assert.True(SpinWait.SpinUntil(() => Errors.Contains(text, StringComparison.Ordinal), Bound), $"stderr never said \"{text}\"; it said:\n{Errors}");

        /// <summary>Ends the server with SIGTERM, as a service manager would, and returns its exit code.</summary>
        public int Terminate()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(_process.WaitForExit(Bound), "the server did not exit after SIGTERM");
            _process.WaitForExit();
            return _process.ExitCode;
        }

        /// <summary>Ends the server and returns every line it printed, the "running at" line first.</summary>
        public List<string> Stop()
        {
            Terminate();
            Assert.True(_rest.Wait(Bound));
            return [FirstLine, .. _rest.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Threadwork.Cli.Tests;

/// <summary><c>threadwork echo load</c>: passes against the real server, fails loudly against a wrong one.</summary>
public class EchoLoadTests
{
    [Theory]
    [InlineData("pool", 16, "1,024")]
    [InlineData("async", 1000, "100")]
    public void Load_against_the_server_verifies_every_byte_and_exits_0_in_text_and_in_json(string mode, int connections, string size)
    {
        using var server = EchoServerProcess.Start("--mode", mode, "--quiet");
        var load = ThreadworkProcess.Run("echo", "load", "--port", $"{server.Port}", "--connections", $"{connections}", "--messages", "4000", "--size", size.Replace(",", "", StringComparison.Ordinal));
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Matches($@"^4,000 round trips of {size} bytes over {connections:N0} connections in [0-9.]+s, every byte verified$", load.Lines[0]);
        Assert.Matches(@"^[0-9,]+ round trips/s, [0-9.]+ MB/s each way$", load.Lines[1]);
        Assert.Matches(@"^latency p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms$", load.Lines[2]);

        var json = ThreadworkProcess.Run("echo", "load", "--port", $"{server.Port}", "--connections", "3", "--messages", "30", "--size", "10", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        AssertEveryFigure(json.Stdout);

        var (exitCode, lines, _) = server.Terminate();
        Assert.Equal(0, exitCode);
        Assert.Equal($"Echo server stopped: {connections + 3} connections served, every one closed", lines[^1]);
    }

    private static void AssertEveryFigure(string stdout)
    {
        using var result = JsonDocument.Parse(stdout);
        Assert.Equal(3, result.RootElement.GetProperty("connections").GetDouble());
        Assert.Equal(30, result.RootElement.GetProperty("round_trips").GetDouble());
        foreach (var figure in new[] { "seconds", "round_trips_per_second", "megabytes_per_second", "p50_ms", "p99_ms", "max_ms" })
        {
            Assert.True(result.RootElement.GetProperty(figure).GetDouble() > 0, figure);
        }
    }

    [Fact]
    public void A_server_that_changes_a_byte_fails_the_load_with_exit_1_naming_the_byte()
    {
        using var liar = new FakeServer((socket, buffer, n) =>
        {
            buffer[n - 1] ^= 0xff;
            socket.Send(buffer.AsSpan(0, n));
            return true;
        });
        var load = ThreadworkProcess.Run("echo", "load", "--port", $"{liar.Port}", "--connections", "1", "--messages", "1", "--size", "1");
        Assert.True(load.ExitCode == 1, load.ToString());
        Assert.Matches(@"^threadwork: echo load failed: connection 1, message 1: byte 1 of 1 came back as 0x[0-9a-f]{2}, but 0x[0-9a-f]{2} was sent", load.Stderr);
    }

    [Fact]
    public void A_server_that_drops_the_connection_fails_the_load_with_exit_1()
    {
        using var dropper = new FakeServer((_, _, _) => false);
        var load = ThreadworkProcess.Run("echo", "load", "--port", $"{dropper.Port}", "--connections", "2", "--messages", "10", "--size", "1");
        Assert.True(load.ExitCode == 1, load.ToString());
        Assert.Contains("the server closed the connection during message 1 of 5 (0 of 1 bytes echoed)", load.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_server_fails_the_load_with_exit_1_naming_the_address()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var load = ThreadworkProcess.Run("echo", "load", "--port", $"{port}", "--connections", "1");
        Assert.True(load.ExitCode == 1, load.ToString());
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", load.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve --mode thread", "'thread'")]
    [InlineData("serve --port 70000", "--port must be a whole number from 0 to 65535, but was '70000'")]
    [InlineData("serve --workers 0", "--workers must be 1 or more, but was 0")]
    [InlineData("serve --max-connections 0", "--max-connections must be a whole number, 1 or more, but was '0'")]
    [InlineData("serve --host no.such.host.invalid", "--host: 'no.such.host.invalid' is neither an IP address nor a host name")]
    [InlineData("load --port 0", "--port must be a whole number from 1 to 65535, but was '0'")]
    [InlineData("load --size 0", "--size must be 1 or more, but was 0")]
    [InlineData("load --connections many", "--connections: 'many' is not a whole number")]
    public void Bad_values_exit_2_naming_the_option(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(["echo", .. arguments.Split(' ')]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void A_port_in_use_is_an_error_with_exit_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = ThreadworkProcess.Run("echo", "serve", "--port", $"{port}");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"threadwork: cannot listen on 127.0.0.1:{port}: Address already in use", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>A server that answers each read with <c>answer</c>; it closes the connection when the answer returns false.</summary>
    private sealed class FakeServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public FakeServer(Func<Socket, byte[], int, bool> answer)
        {
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        var client = await _listener.AcceptSocketAsync();
                        _ = Task.Run(() =>
                        {
                            using (client)
                            {
                                var buffer = new byte[65536];
                                int n;
                                while ((n = client.Receive(buffer)) > 0 && answer(client, buffer, n))
                                {
                                }
                            }
                        });
                    }
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _listener.Stop();
            _serving.Wait(EchoServerProcess.Bound);
        }
    }
}

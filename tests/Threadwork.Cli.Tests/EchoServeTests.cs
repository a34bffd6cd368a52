using System.Net.Sockets;
using System.Text;

namespace Threadwork.Cli.Tests;

/// <summary><c>threadwork echo serve</c> against plain TCP clients, in both modes.</summary>
public class EchoServeTests
{
    [Theory]
    [InlineData("pool")]
    [InlineData("async")]
    public void A_plain_client_gets_every_byte_back_even_a_1_MB_message_and_sigterm_exits_0(string mode)
    {
        using var server = EchoServerProcess.Start("--mode", mode);
        Assert.StartsWith($"Echo server running at 127.0.0.1:{server.Port} ({mode} mode", server.Lines[0], StringComparison.Ordinal);
        using (var client = server.Connect())
        {
            Assert.Equal("hello"u8.ToArray(), EchoSockets.RoundTrip(client, "hello"u8.ToArray()));
            var big = EchoSockets.Pattern(1024 * 1024, seed: 1);
            Assert.Equal(big, EchoSockets.RoundTrip(client, big));
            Assert.Equal("again"u8.ToArray(), EchoSockets.RoundTrip(client, "again"u8.ToArray()));
        }

        server.WaitForLine(l => l.EndsWith(" closed connection", StringComparison.Ordinal), "that the client closed");
        var (exitCode, lines, stderr) = server.Terminate();
        Assert.True(exitCode == 0, $"exit {exitCode}\n{string.Join('\n', lines)}\n{stderr}");
        Assert.Contains(lines, l => l.StartsWith("Got connection from 127.0.0.1:", StringComparison.Ordinal));
        Assert.Equal("Echo server stopped: 1 connections served, every one closed", lines[^1]);
        Assert.Equal(string.Empty, stderr);
    }

    [Theory]
    [InlineData("pool")]
    [InlineData("async")]
    public void After_a_client_half_closes_the_server_echoes_everything_then_closes_its_side(string mode)
    {
        using var server = EchoServerProcess.Start("--mode", mode, "--quiet");
        using var client = server.Connect();
        var sent = new MemoryStream();
        for (var i = 0; i < 100; i++)
        {
            var chunk = Encoding.ASCII.GetBytes($"line {i}\n");
            client.Send(chunk);
            sent.Write(chunk);
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(sent.ToArray(), EchoSockets.ReadToEnd(client));
        var (exitCode, lines, stderr) = server.Terminate();
        Assert.True(exitCode == 0, $"exit {exitCode}\n{string.Join('\n', lines)}\n{stderr}");
    }

    [Theory]
    [InlineData("pool")]
    [InlineData("async")]
    public void A_sigterm_sent_the_moment_the_server_says_it_is_running_still_stops_it_gracefully(string mode)
    {
        // The signal handlers must be in place before the "running at" line: System.CommandLine's own ones came
        // after the command's first await, and a SIGTERM in between killed the server outright (exit 143).
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var server = EchoServerProcess.Start("--mode", mode, "--quiet");
            var (exitCode, lines, stderr) = server.Terminate();
            Assert.True(exitCode == 0, $"attempt {attempt}: exit {exitCode}\n{string.Join('\n', lines)}\n{stderr}");
            Assert.Equal("Echo server stopped: 0 connections served, every one closed", lines[^1]);
        }
    }

    [Theory]
    [InlineData("pool")]
    [InlineData("async")]
    public void The_server_survives_a_client_reset_and_sigterm_closes_the_open_connections_and_exits_0(string mode)
    {
        using var server = EchoServerProcess.Start("--mode", mode, "--workers", "8");
        using (var rude = server.Connect())
        {
            Assert.Equal("ping"u8.ToArray(), EchoSockets.RoundTrip(rude, "ping"u8.ToArray()));
            rude.LingerState = new LingerOption(true, 0);   // close sends RST, not FIN
        }

        server.WaitForLine(l => l.EndsWith(" reset the connection", StringComparison.Ordinal), "the reset");
        var clients = Enumerable.Range(0, 5).Select(_ => server.Connect()).ToList();
        try
        {
            foreach (var client in clients)
            {
                Assert.Equal("still here?"u8.ToArray(), EchoSockets.RoundTrip(client, "still here?"u8.ToArray()));
            }

            var (exitCode, lines, stderr) = server.Terminate();
            Assert.True(exitCode == 0, $"exit {exitCode}\n{string.Join('\n', lines)}\n{stderr}");
            Assert.Equal("Echo server stopped: 6 connections served, every one closed", lines[^1]);
            foreach (var client in clients)
            {
                // The server's end is gone: the client reads the end of the stream (or a reset), never hangs.
                try
                {
                    Assert.Empty(EchoSockets.ReadToEnd(client));
                }
                catch (SocketException e)
                {
                    Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
                }
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void With_max_connections_reached_the_next_client_waits_and_the_log_says_so_once()
    {
        using var server = EchoServerProcess.Start("--mode", "async", "--max-connections", "2", "--quiet");
        using var first = server.Connect();
        using var second = server.Connect();
        Assert.Equal("1"u8.ToArray(), EchoSockets.RoundTrip(first, "1"u8.ToArray()));
        Assert.Equal("2"u8.ToArray(), EchoSockets.RoundTrip(second, "2"u8.ToArray()));
        using var third = server.Connect();
        using var fourth = server.Connect();
        third.Send("3"u8);
        fourth.Send("4"u8);
        server.WaitForLine(l => l == "2 connections are open (--max-connections): new clients wait", "that clients wait");

        // One slot frees at a time, so each waiting client is an episode of its own: one line as it starts, one as it ends.
        first.Dispose();
        Assert.Equal("3"u8.ToArray(), EchoSockets.ReadExactly(third, 1));

        // The fourth client must be waiting before the second slot frees; otherwise it would take that slot at once.
        server.WaitForLine(l => l == "2 connections are open (--max-connections): new clients wait", "that the fourth client waits", occurrence: 2);
        second.Dispose();
        Assert.Equal("4"u8.ToArray(), EchoSockets.ReadExactly(fourth, 1));

        var (exitCode, lines, _) = server.Terminate();
        Assert.Equal(0, exitCode);
        Assert.Equal(
            [
                "2 connections are open (--max-connections): new clients wait",
                "A connection closed: new clients are served at once again",
                "2 connections are open (--max-connections): new clients wait",
                "A connection closed: new clients are served at once again",
            ],
            lines[1..^1]);
    }
}

using System.Text;
using Threadwork.Local;

namespace Threadwork.Cli.Tests;

/// <summary>The pool mode's limits, and recipe 12.6's LazyConnection, against the real server.</summary>
public class EchoPoolTests
{
    [Fact]
    public void Two_hundred_clients_against_8_workers_are_all_served_and_the_wait_is_logged_once()
    {
        using var server = EchoServerProcess.Start("--mode", "pool", "--workers", "8", "--quiet");
        var holders = Enumerable.Range(0, 8).Select(_ => server.Connect()).ToList();
        var waiting = new List<System.Net.Sockets.Socket>();
        try
        {
            // Eight clients that stay connected hold all eight workers.
            foreach (var (holder, i) in holders.Select((h, i) => (h, i)))
            {
                var hello = Encoding.ASCII.GetBytes($"holder {i}");
                Assert.Equal(hello, EchoSockets.RoundTrip(holder, hello));
            }

            // The other 192 connect and send at once; each must wait for a worker, not be lost.
            for (var i = 0; i < 192; i++)
            {
                var client = server.Connect();
                waiting.Add(client);
                client.Send(Encoding.ASCII.GetBytes($"client {i:000}"));
            }

            server.WaitForLine(l => l == "All 8 workers are busy: new clients wait", "that clients wait");
            holders.ForEach(h => h.Dispose());

            var answers = new string[waiting.Count];
            Parallel.For(0, waiting.Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            {
                answers[i] = Encoding.ASCII.GetString(EchoSockets.ReadExactly(waiting[i], 10));
                waiting[i].Dispose();
            });
            Assert.Equal(Enumerable.Range(0, 192).Select(i => $"client {i:000}"), answers);

            server.WaitForLine(l => l.StartsWith("A worker is free", StringComparison.Ordinal), "that a worker is free");
            var (exitCode, lines, _) = server.Terminate();
            Assert.Equal(0, exitCode);
            Assert.Single(lines, l => l.EndsWith("new clients wait", StringComparison.Ordinal));
            Assert.Single(lines, l => l == "A worker is free: new clients are served at once again");
            Assert.Equal("Echo server stopped: 200 connections served, every one closed", lines[^1]);
        }
        finally
        {
            holders.ForEach(h => h.Dispose());
            waiting.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public void Threads_sharing_a_LazyConnection_each_get_their_own_connection_to_the_echo_server()
    {
        const int Threads = 6;
        using var server = EchoServerProcess.Start("--mode", "pool", "--workers", "16");
        var conn = new LazyConnection(server.Address);
        using var allConnected = new Barrier(Threads);
        var ports = new int[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            using var scope = conn.Enter();
            ports[t] = ((System.Net.IPEndPoint)scope.Resource.LocalEndPoint!).Port;
            allConnected.SignalAndWait(EchoServerProcess.Bound);
            for (var round = 0; round < 10; round++)
            {
                var message = Encoding.ASCII.GetBytes($"thread {t} round {round}");
                Assert.Equal(message, EchoSockets.RoundTrip(conn.Current, message));
            }

            // A nested scope is a second connection; the outer one is current again after it.
            using (var nested = conn.Enter())
            {
                Assert.NotSame(scope.Resource, nested.Resource);
                Assert.Equal("nested"u8.ToArray(), EchoSockets.RoundTrip(conn.Current, "nested"u8.ToArray()));
            }

            Assert.Same(scope.Resource, conn.Current);
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(EchoServerProcess.Bound)));

        Assert.Equal(Threads, ports.Distinct().Count());
        var (exitCode, lines, _) = server.Terminate();
        Assert.Equal(0, exitCode);
        Assert.Equal(Threads * 2, lines.Count(l => l.StartsWith("Got connection from ", StringComparison.Ordinal)));
        Assert.Equal(Threads * 2, lines.Count(l => l.EndsWith(" closed connection", StringComparison.Ordinal)));
    }
}

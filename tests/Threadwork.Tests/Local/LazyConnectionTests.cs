using System.Net;
using System.Net.Sockets;
using Threadwork.Local;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Local;

public sealed class LazyConnectionTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _server;
    private int _accepted;

    public LazyConnectionTests()
    {
        _listener.Start();
        _server = EchoAsync();
    }

    private IPEndPoint Address => (IPEndPoint)_listener.LocalEndpoint;

    [Fact]
    public void Threads_sharing_one_lazy_connection_each_talk_over_their_own_socket()
    {
        const int Threads = 6;
        var conn = new LazyConnection(Address);
        using var allConnected = new Barrier(Threads);
        var ports = new int[Threads];
        var sockets = new Socket[Threads];
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            using (var scope = conn.Enter(_stop.Token))
            {
                sockets[i] = scope.Resource;
                ports[i] = ((IPEndPoint)scope.Resource.LocalEndPoint!).Port;
                allConnected.SignalAndWait(Wait.Bound);
                for (var round = 0; round < 20; round++)
                {
                    var message = System.Text.Encoding.ASCII.GetBytes($"thread {i} round {round}");
                    conn.Current.Send(message);
                    Assert.Equal(message, ReadExactly(conn.Current, message.Length));
                }
            }

            Assert.Equal(0, conn.OpenOnThisThread);
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(Wait.Bound)));

        Assert.Equal(Threads, ports.Distinct().Count());
        Assert.Equal(Threads, Volatile.Read(ref _accepted));
        Assert.All(sockets, s => Assert.Throws<ObjectDisposedException>(() => s.Send([1])));
    }

    [Fact]
    public void A_nested_scope_on_one_thread_opens_a_second_connection()
    {
        var conn = new LazyConnection(Address);
        using var outer = conn.Enter();
        using (var inner = conn.Enter())
        {
            Assert.NotSame(outer.Resource, inner.Resource);
            Assert.Equal(2, conn.OpenOnThisThread);
            inner.Resource.Send("inner"u8);
            Assert.Equal("inner"u8.ToArray(), ReadExactly(inner.Resource, 5));
        }

        Assert.Same(outer.Resource, conn.Current);
        outer.Resource.Send("outer"u8);
        Assert.Equal("outer"u8.ToArray(), ReadExactly(outer.Resource, 5));
    }

    [Fact]
    public void A_refused_connection_throws_and_leaves_nothing_open()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var conn = new LazyConnection(new IPEndPoint(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, Assert.Throws<SocketException>(() => conn.Enter()).SocketErrorCode);
        Assert.Equal(0, conn.OpenOnThisThread);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _server.ContinueWith(_ => { }, TaskScheduler.Default).Wait(Wait.Bound);
        _stop.Dispose();
    }

    private static byte[] ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = socket.Receive(buffer.AsSpan(read));
            Assert.NotEqual(0, n);
            read += n;
        }

        return buffer;
    }

    private async Task EchoAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                clients.Add(Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[4096];
                        int n;
                        while ((n = await client.ReceiveAsync(buffer, _stop.Token)) > 0)
                        {
                            await client.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                        }
                    }
                }));
            }
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAll(clients).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

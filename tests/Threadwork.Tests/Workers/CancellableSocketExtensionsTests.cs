using System.Net;
using System.Net.Sockets;
using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Workers;

public sealed class CancellableSocketExtensionsTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _server;

    public CancellableSocketExtensionsTests()
    {
        _listener.Start();
        _client.Connect((IPEndPoint)_listener.LocalEndpoint);
        _server = _listener.AcceptSocket();
    }

    [Fact]
    public void Stop_ends_a_worker_blocked_in_a_socket_receive()
    {
        var reader = new Worker<int>("io-task", ctx =>
        {
            ctx.SignalStarted();
            return _server.Receive(new byte[8192], ctx.StopToken);
        })
        { SignalsStarted = true };
        reader.Start();
        reader.Started.Wait();
        Assert.False(reader.Join(TimeSpan.FromMilliseconds(50)));

        reader.Stop();
        Assert.True(reader.Join(Wait.Bound));
        Assert.True(reader.Completion.IsCanceled);
        Assert.False(reader.IsAlive);
    }

    [Fact]
    public void Receive_returns_the_bytes_that_arrive_and_zero_when_the_peer_closes()
    {
        var reader = new Worker<string>("reader", ctx =>
        {
            var buffer = new byte[64];
            var received = new List<byte>();
            int n;
            while ((n = _server.Receive(buffer, ctx.StopToken)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }

            return System.Text.Encoding.ASCII.GetString([.. received]);
        });
        reader.Start();
        _client.Send("hello, "u8);
        _client.Send("worker"u8);
        _client.Shutdown(SocketShutdown.Send);
        Assert.Equal("hello, worker", reader.Result);
    }

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
        _listener.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;
using Threadwork.Queues;
using Threadwork.Selection;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Selection;

/// <summary>Socket cases on real loopback connections (port 0: other test runs share the machine).</summary>
public sealed class SocketCaseTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Socket _client = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Socket _server;

    public SocketCaseTests()
    {
        _listener.Start();
        _client.Connect(_listener.LocalEndpoint);
        _server = _listener.AcceptSocket();
    }

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
        _listener.Dispose();
    }

    [Fact]
    public void A_socket_with_data_is_readable_and_select_reads_none_of_it()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        var socketCase = select.AddReadable(_server);
        _client.Send("abc"u8);

        var result = select.Wait(Patience);

        Assert.Equal((SelectOutcome.Readable, socketCase, false), (result.Outcome, result.Index, result.HasItem));
        Assert.Same(_server, result.Socket);
        Assert.Null(result.Error);
        Assert.Equal("abc", ReceiveText(3));
    }

    [Fact]
    public void A_waiting_select_is_woken_by_the_socket_and_withdraws_from_the_queue()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        var socketCase = select.AddReadable(_server);
        var waiting = Task.Run(() => select.Wait(Patience));
        Wait.Until(() => queue.WaitingConsumers == 1, "the select waits on the queue and the socket");

        _client.Send("ping"u8);

        var result = waiting.Result;
        Assert.Equal((SelectOutcome.Readable, socketCase), (result.Outcome, result.Index));
        Assert.Equal(0, queue.WaitingConsumers);
        Assert.Equal("ping", ReceiveText(4));
    }

    [Fact]
    public async Task An_async_select_is_woken_by_the_socket()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        var socketCase = select.AddReadable(_server);
        var waiting = select.WaitAsync(Patience).AsTask();
        Wait.Until(() => queue.WaitingConsumers == 1, "the async select waits");

        _client.Send("x"u8);

        var result = await waiting;
        Assert.Equal((SelectOutcome.Readable, socketCase), (result.Outcome, result.Index));
        Assert.Equal(0, queue.WaitingConsumers);
        Assert.Equal("x", ReceiveText(1));
    }

    [Fact]
    public async Task A_queue_winning_over_an_idle_socket_leaves_the_socket_untouched_for_later()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        var socketCase = select.AddReadable(_server);
        for (var round = 0; round < 20; round++)
        {
            // The socket's wait is started and withdrawn each round; it must never swallow data.
            var waiting = round % 2 == 0 ? Task.Run(() => select.Wait(Patience)) : select.WaitAsync(Patience).AsTask();
            Wait.Until(() => queue.WaitingConsumers == 1, "the select waits");
            queue.Put(round);
            Assert.Equal(round, (await waiting).Item);
        }

        _client.Send("later"u8);
        var result = select.Wait(Patience);
        Assert.Equal(socketCase, result.Index);
        Assert.Equal("later", ReceiveText(5));
    }

    [Fact]
    public async Task The_end_of_the_stream_is_readable()
    {
        var select = new Selector<int>();
        var socketCase = select.AddReadable(_server);
        var waiting = select.WaitAsync(Patience).AsTask();

        _client.Shutdown(SocketShutdown.Send);

        var result = await waiting;
        Assert.Equal((SelectOutcome.Readable, socketCase), (result.Outcome, result.Index));
        Assert.Equal(0, _server.Receive(new byte[1]));
    }

    [Fact]
    public void A_timeout_or_the_default_case_with_a_socket_takes_nothing()
    {
        var queue = new WorkQueue<int>();
        var select = Select.From(queue);
        select.AddReadable(_server);

        Assert.Equal(SelectOutcome.NothingReady, select.Now().Outcome);
        Assert.Equal(SelectOutcome.TimedOut, select.Wait(TimeSpan.FromMilliseconds(20)).Outcome);
        Assert.Equal(0, queue.WaitingConsumers);

        _client.Send("z"u8);
        Wait.Until(() => _server.Available == 1, "the byte arrives");
        Assert.Equal(SelectOutcome.Readable, select.Now().Outcome);
        Assert.Equal("z", ReceiveText(1));
    }

    [Fact]
    public void Only_connected_stream_sockets_can_be_watched()
    {
        var select = new Selector<int>();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var unconnected = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        Assert.Contains("connected stream socket", Assert.Throws<ArgumentException>(() => select.AddReadable(udp)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => select.AddReadable(unconnected));
        Assert.Equal(0, select.Count);
    }

    private string ReceiveText(int length)
    {
        var buffer = new byte[length];
        var received = 0;
        while (received < length)
        {
            var n = _server.Receive(buffer.AsSpan(received));
            Assert.NotEqual(0, n);
            received += n;
        }

        Assert.Equal(0, _server.Available);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }
}

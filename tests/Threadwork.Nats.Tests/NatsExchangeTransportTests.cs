using System.Collections.Concurrent;
using System.Text;
using Threadwork.Messaging;

namespace Threadwork.Nats.Tests;

/// <summary>An exchange bridged over NATS: local subscribers once, remote subscribers once and in order, faults reported.</summary>
public sealed class NatsExchangeTransportTests(NatsServer server) : IClassFixture<NatsServer>
{
    public sealed record Order(int Id, string Item);

    [Fact]
    public async Task A_send_reaches_each_local_subscriber_once_and_each_remote_one_once_in_order()
    {
        const int Count = 2_000;
        await using var here = await Connect();
        await using var there = await Connect();
        var local = new Exchange<int>("counts.local");
        var remote = new Exchange<int>("counts.local");
        var localSeen = new ConcurrentQueue<int>();
        var remoteSeen = new ConcurrentQueue<int>();
        var fence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var remoteDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var a = local.Attach(localSeen.Enqueue);
        using var b = local.Attach(n =>
        {
            if (n == -1)
            {
                fence.TrySetResult();
            }
        });
        using var c = remote.Attach(n =>
        {
            remoteSeen.Enqueue(n);
            if (remoteSeen.Count == Count)
            {
                remoteDone.TrySetResult();
            }
        });
        using var localBridge = local.Bridge(new NatsExchangeTransport<int>(here));
        using var remoteBridge = remote.Bridge(new NatsExchangeTransport<int>(there));
        await here.FlushAsync();
        await there.FlushAsync();

        for (var i = 0; i < Count; i++)
        {
            local.Send(i);
        }

        await remoteDone.Task.WaitAsync(ThreadworkTool.Limit);

        // The fence is sent from the other side after everything arrived there: an echo of this side's sends,
        // had the server sent any back, would reach this side before it.
        remote.Send(-1);
        await fence.Task.WaitAsync(ThreadworkTool.Limit);
        Assert.Equal([.. Enumerable.Range(0, Count), -1], localSeen);
        Assert.Equal(Enumerable.Range(0, Count), remoteSeen.Take(Count));
    }

    [Fact]
    public async Task Records_travel_as_json_between_processes_links()
    {
        await using var here = await Connect();
        await using var there = await Connect();
        var got = new TaskCompletionSource<Order>(TaskCreationOptions.RunContinuationsAsynchronously);
        var remote = new Exchange<Order>("orders.new");
        using var subscriber = remote.Attach(got.SetResult);
        using var inbound = remote.Bridge(new NatsExchangeTransport<Order>(there));
        await there.FlushAsync();

        var raw = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var tap = await there.Connection.SubscribeCoreAsync<byte[]>("orders.new");
        var tapping = Task.Run(async () => raw.SetResult(Encoding.UTF8.GetString((await tap.Msgs.ReadAsync()).Data!)));
        await there.FlushAsync();

        var local = new Exchange<Order>("orders.new");
        using var outbound = local.Bridge(new NatsExchangeTransport<Order>(here));
        local.Send(new Order(7, "tea"));
        Assert.Equal(new Order(7, "tea"), await got.Task.WaitAsync(ThreadworkTool.Limit));
        Assert.Equal("""{"id":7,"item":"tea"}""", await raw.Task.WaitAsync(ThreadworkTool.Limit));
        await tapping;
    }

    [Fact]
    public async Task A_message_that_is_not_valid_json_is_reported_and_delivery_goes_on()
    {
        await using var here = await Connect();
        await using var there = await Connect();
        var faults = new ConcurrentQueue<Exception>();
        var got = new TaskCompletionSource<Order>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = new Exchange<Order>("orders.bad");
        using var subscriber = exchange.Attach(got.SetResult);
        using var bridge = exchange.Bridge(new NatsExchangeTransport<Order>(here, faultHook: faults.Enqueue));
        await here.FlushAsync();

        await there.Connection.PublishAsync("orders.bad", Encoding.UTF8.GetBytes("{not json"));
        await there.Connection.PublishAsync("orders.bad", Encoding.UTF8.GetBytes("""{"$type":"System.IO.FileInfo","id":1,"item":"x"}"""));
        Assert.Equal(new Order(1, "x"), await got.Task.WaitAsync(ThreadworkTool.Limit));
        var fault = Assert.IsType<InvalidDataException>(Assert.Single(faults));
        Assert.Contains("could not be read as Order", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_subscriber_is_reported_without_a_hook_and_the_others_still_receive()
    {
        await using var here = await Connect();
        await using var there = await Connect();
        var transport = new NatsExchangeTransport<int>(here);
        var got = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = new Exchange<int>("numbers.failing");
        using var failing = exchange.Attach(n => throw new InvalidOperationException($"cannot take {n}"));
        using var working = exchange.Attach(got.SetResult);
        using var bridge = exchange.Bridge(transport);
        await here.FlushAsync();

        var sender = new Exchange<int>("numbers.failing");
        using var outbound = sender.Bridge(new NatsExchangeTransport<int>(there));
        sender.Send(5);
        Assert.Equal(5, await got.Task.WaitAsync(ThreadworkTool.Limit));

        // The working subscriber gets the message before the failure reaches the transport: the exchange throws
        // its subscribers' failures once every one of them has had the message.
        Assert.True(SpinWait.SpinUntil(() => transport.UnreportedFaults.Count > 0, ThreadworkTool.Limit), "the failure was never recorded");
        var fault = Assert.IsType<AggregateException>(Assert.Single(transport.UnreportedFaults));
        Assert.Equal("cannot take 5", Assert.Single(fault.InnerExceptions).Message);
    }

    [Fact]
    public async Task After_unbridging_an_exchange_receives_nothing_more()
    {
        await using var here = await Connect();
        await using var there = await Connect();
        var leaving = new Exchange<string>("room.leave");
        var staying = new Exchange<string>("room.leave");
        var leftSeen = new ConcurrentQueue<string>();
        var stayed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var a = leaving.Attach(leftSeen.Enqueue);
        using var b = staying.Attach(stayed.SetResult);
        var bridge = leaving.Bridge(new NatsExchangeTransport<string>(here));
        using var stay = staying.Bridge(new NatsExchangeTransport<string>(here));
        bridge.Dispose();
        Assert.False(leaving.IsBridged);
        await here.FlushAsync();

        var sender = new Exchange<string>("room.leave");
        using var outbound = sender.Bridge(new NatsExchangeTransport<string>(there));
        sender.Send("after");

        // The exchange still bridged on the same connection got it: the one that left would have by now.
        Assert.Equal("after", await stayed.Task.WaitAsync(ThreadworkTool.Limit));
        Assert.Empty(leftSeen);
    }

    [Fact]
    public async Task Local_delivery_follows_exchanges_bridged_and_unbridged_after_the_sender_started()
    {
        await using var here = await Connect();
        var sender = new Exchange<int>("room.join");
        using var outbound = sender.Bridge(new NatsExchangeTransport<int>(here));
        sender.Send(1);

        // The sender's transport keeps the subject's route set from its first send: exchanges bridged or
        // unbridged on the same link afterwards must still be seen, and synchronously (on the sender's thread).
        var joinerSeen = new List<int>();
        var joiner = new Exchange<int>("room.join");
        using var a = joiner.Attach(joinerSeen.Add);
        var joined = joiner.Bridge(new NatsExchangeTransport<int>(here));
        sender.Send(2);
        Assert.Equal([2], joinerSeen);

        joined.Dispose();
        sender.Send(3);
        Assert.Equal([2], joinerSeen);

        using var rejoined = joiner.Bridge(new NatsExchangeTransport<int>(here));
        sender.Send(4);
        Assert.Equal([2, 4], joinerSeen);
    }

    [Fact]
    public async Task A_wildcard_subject_is_refused()
    {
        await using var here = await Connect();
        var exchange = new Exchange<string>("orders");
        var error = Assert.Throws<ArgumentException>(() => exchange.Bridge(new NatsExchangeTransport<string>(here), "orders.*"));
        Assert.Contains("'orders.*' is not an exact subject", error.Message, StringComparison.Ordinal);
    }

    private Task<NatsLink> Connect() => NatsLink.ConnectAsync(new NatsLinkOptions { Server = server.Url });
}

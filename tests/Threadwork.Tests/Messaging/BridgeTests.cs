using Threadwork.Messaging;

namespace Threadwork.Tests.Messaging;

/// <summary>The transport seam, with an in-process transport standing in for a broker.</summary>
public class BridgeTests
{
    [Fact]
    public void Subscribers_attached_before_bridging_keep_receiving_through_the_transport_unchanged()
    {
        var transport = new LoopbackTransport<string>();
        var exchange = new Exchange<string>("orders.new");
        var subscriber = new Recorder<string>("subscriber");
        exchange.Attach(subscriber);
        exchange.Send("before");

        using (exchange.Bridge(transport))
        {
            Assert.True(exchange.IsBridged);
            exchange.Send("bridged");
            Assert.Equal(1, transport.Published);
        }

        Assert.False(exchange.IsBridged);
        Assert.Equal(0, transport.Subscriptions("orders.new"));
        exchange.Send("after");
        Assert.Equal(1, transport.Published);
        Assert.Equal(["before", "bridged", "after"], subscriber.Received);
    }

    [Fact]
    public void Two_exchanges_bridged_on_one_subject_act_as_one_as_if_in_two_processes()
    {
        var transport = new LoopbackTransport<int>();
        var here = new Exchange<int>("orders");
        var there = new Exchange<int>("orders");
        var local = new Recorder<int>("local");
        var remote = new Recorder<int>("remote");
        here.Attach(local);
        there.Attach(remote, new QueuedDelivery(10));
        using var bridgeHere = here.Bridge(transport);
        using var bridgeThere = there.Bridge(transport);

        here.Send(1);
        there.Send(2);

        Assert.Equal([1, 2], local.Received);
        Tests.Support.Wait.Until(() => remote.Count == 2, "the remote subscriber got both messages");
        Assert.Equal([1, 2], remote.Received);
    }

    [Fact]
    public void A_second_bridge_or_a_nameless_exchange_is_refused_clearly()
    {
        var transport = new LoopbackTransport<int>();
        var named = new Exchange<int>("orders");
        using var bridge = named.Bridge(transport);
        var twice = Assert.Throws<InvalidOperationException>(() => named.Bridge(transport));
        Assert.Equal("The exchange 'orders' is already bridged (subject 'orders'); dispose that bridge first.", twice.Message);

        var nameless = Assert.Throws<ArgumentException>(() => new Exchange<int>().Bridge(transport));
        Assert.StartsWith("A bridged exchange needs a subject", nameless.Message, StringComparison.Ordinal);
        using var bySubject = new Exchange<int>().Bridge(transport, "explicit.subject");
        Assert.Equal(1, transport.Subscriptions("explicit.subject"));
    }

    [Fact]
    public void Disposing_a_bridge_twice_or_after_a_new_bridge_leaves_the_new_one_alone()
    {
        var transport = new LoopbackTransport<int>();
        var exchange = new Exchange<int>("orders");
        var first = exchange.Bridge(transport);
        first.Dispose();
        using var second = exchange.Bridge(transport);
        first.Dispose();
        Assert.True(exchange.IsBridged);
        Assert.Equal(1, transport.Subscriptions("orders"));
    }
}

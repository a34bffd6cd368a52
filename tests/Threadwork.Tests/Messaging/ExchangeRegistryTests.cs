using System.Collections.Concurrent;
using Threadwork.Messaging;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Messaging;

public class ExchangeRegistryTests
{
    [Fact]
    public void Get_or_create_returns_one_exchange_per_name()
    {
        var registry = new ExchangeRegistry();
        var first = registry.GetOrCreate<string>("name");
        Assert.Same(first, registry.GetOrCreate<string>("name"));
        Assert.NotSame(first, registry.GetOrCreate<string>("other"));
        Assert.Equal("name", first.Name);
        Assert.True(registry.TryGet<string>("name", out var found));
        Assert.Same(first, found);
        Assert.False(registry.TryGet<string>("missing", out var missing));
        Assert.Null(missing);
        Assert.Equal(["name", "other"], registry.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Asking_for_an_existing_name_with_another_message_type_is_a_clear_error()
    {
        var registry = new ExchangeRegistry();
        registry.GetOrCreate<int>("orders.new");
        var error = Assert.Throws<InvalidOperationException>(() => registry.GetOrCreate<string>("orders.new"));
        Assert.Equal("The exchange 'orders.new' carries System.Int32, not System.String; one name has one message type.", error.Message);
        Assert.Throws<InvalidOperationException>(() => registry.TryGet<string>("orders.new", out _));
    }

    [Theory]
    [InlineData("", "name")]
    [InlineData("orders..new", "empty token")]
    [InlineData(".orders", "empty token")]
    [InlineData("orders.*", "wildcard")]
    [InlineData("orders.>", "wildcard")]
    [InlineData("orders.new items", "white space")]
    public void Bad_names_are_refused_saying_why(string name, string why)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ExchangeRegistry().GetOrCreate<int>(name));
        Assert.Equal("name", error.ParamName);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_get_or_create_of_the_same_names_yields_one_exchange_each()
    {
        const int Threads = 8, Names = 50;
        var registry = new ExchangeRegistry();
        var results = new Exchange<int>[Threads][];
        using var start = new Barrier(Threads);
        var tasks = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Wait.Bound);
                results[t] = [.. Enumerable.Range(0, Names).Select(n => registry.GetOrCreate<int>($"topic.{(n + t) % Names}")).OrderBy(e => e.Name, StringComparer.Ordinal)];
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        Assert.True(Task.WaitAll(tasks, Wait.Bound));

        Assert.Equal(Names, registry.Names.Count);
        for (var n = 0; n < Names; n++)
        {
            Assert.All(results, r => Assert.Same(results[0][n], r[n]));
        }
    }

    [Fact]
    public void A_pattern_subscription_reaches_matching_exchanges_old_and_new_and_only_those()
    {
        var registry = new ExchangeRegistry();
        var newOrders = registry.GetOrCreate<string>("orders.new");
        var audit = new Recorder<string>("audit");
        using (registry.SubscribePattern("orders.*", audit))
        {
            var paid = registry.GetOrCreate<string>("orders.paid");
            newOrders.Send("order 1 created");
            paid.Send("order 1 paid");
            registry.GetOrCreate<string>("users.new").Send("user 1");
            registry.GetOrCreate<string>("orders.paid.eu").Send("too deep for *");
            registry.GetOrCreate<int>("orders.count").Send(2);
        }

        newOrders.Send("after the pattern ended");
        Assert.Equal(["order 1 created", "order 1 paid"], audit.Received);
        Assert.Equal(0, newOrders.SubscriberCount);
    }

    [Fact]
    public void A_tail_pattern_matches_one_or_more_tokens_and_a_delegate_can_subscribe()
    {
        var registry = new ExchangeRegistry();
        var got = new List<string>();
        using var all = registry.SubscribePattern<string>("orders.>", got.Add);
        registry.GetOrCreate<string>("orders").Send("not below orders");
        registry.GetOrCreate<string>("orders.new").Send("one token");
        registry.GetOrCreate<string>("orders.new.eu").Send("two tokens");
        Assert.Equal(["one token", "two tokens"], got);
    }

    [Fact]
    public void A_pattern_subscriber_is_not_detached_by_name_and_does_not_clash_with_a_direct_attachment()
    {
        var registry = new ExchangeRegistry();
        var exchange = registry.GetOrCreate<string>("orders.new");
        var both = new Recorder<string>("both");
        using var pattern = registry.SubscribePattern("orders.*", both);
        exchange.Attach(both);
        exchange.Send("twice");
        Assert.True(exchange.Detach(both));
        exchange.Send("once");
        Assert.False(exchange.Detach(both));
        Assert.Equal(["twice", "twice", "once"], both.Received);
    }

    [Fact]
    public void A_queued_pattern_subscription_gets_a_backlog_per_exchange()
    {
        var registry = new ExchangeRegistry();
        var got = new ConcurrentQueue<int>();
        using var done = new CountdownEvent(4);
        using var pattern = registry.SubscribePattern<int>(
            "load.*",
            message =>
            {
                got.Enqueue(message);
                done.Signal();
            },
            new QueuedDelivery(10));
        registry.GetOrCreate<int>("load.a").Send(1);
        registry.GetOrCreate<int>("load.b").Send(2);
        registry.GetOrCreate<int>("load.a").Send(3);
        registry.GetOrCreate<int>("load.b").Send(4);
        Assert.True(done.Wait(Wait.Bound));
        Assert.Equal([1, 2, 3, 4], got.Order());
    }

    [Fact]
    public void Pattern_subscriptions_made_while_exchanges_are_created_attach_exactly_once_to_each_match()
    {
        const int Names = 200, Patterns = 20;
        var registry = new ExchangeRegistry();
        var counts = new ConcurrentDictionary<(int Pattern, string Message), int>();
        var subscriptions = new ConcurrentQueue<IDisposable>();
        using var start = new Barrier(2);
        var creator = Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Wait.Bound);
                for (var n = 0; n < Names; n++)
                {
                    registry.GetOrCreate<string>($"{(n % 2 == 0 ? "even" : "odd")}.{n}");
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        var subscriber = Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(Wait.Bound);
                for (var p = 0; p < Patterns; p++)
                {
                    var pattern = p;
                    subscriptions.Enqueue(registry.SubscribePattern<string>("even.*", message => counts.AddOrUpdate((pattern, message), 1, (_, c) => c + 1)));
                    Thread.Yield();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        Assert.True(Task.WaitAll([creator, subscriber], Wait.Bound));

        for (var n = 0; n < Names; n++)
        {
            var name = $"{(n % 2 == 0 ? "even" : "odd")}.{n}";
            registry.GetOrCreate<string>(name).Send(name);
        }

        Assert.Equal(Patterns * Names / 2, counts.Count);
        Assert.All(counts, entry => Assert.Equal(1, entry.Value));
        Assert.All(counts.Keys, key => Assert.StartsWith("even.", key.Message, StringComparison.Ordinal));

        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }

        Assert.All(registry.Names, name => Assert.Equal(0, registry.GetOrCreate<string>(name).SubscriberCount));
    }

    [Fact]
    public void Exchanges_created_by_a_registry_report_to_its_fault_hook()
    {
        var faults = new List<SubscriberFault>();
        var registry = new ExchangeRegistry(faults.Add);
        var exchange = registry.GetOrCreate<int>("numbers");
        exchange.Attach(_ => throw new FormatException("no"));
        exchange.Send(1);
        Assert.Equal("numbers", Assert.Single(faults).ExchangeName);
    }

    [Theory]
    [InlineData("orders.new*", "whole token")]
    [InlineData("orders.>.eu", "must come last")]
    [InlineData("orders..*", "empty token")]
    [InlineData(" ", "pattern")]
    public void Bad_patterns_are_refused_saying_why(string pattern, string why)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new ExchangeRegistry().SubscribePattern<int>(pattern, _ => { }));
        Assert.Equal("pattern", error.ParamName);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}

using System.Collections.Concurrent;
using Threadwork.Messaging;

namespace Threadwork.Nats.Tests;

/// <summary>Connecting: clear errors for an unreachable server and a wrong token; a server restart is reported and survived.</summary>
public sealed class NatsLinkTests
{
    [Fact]
    public async Task An_unreachable_server_fails_within_the_connect_timeout_with_its_url()
    {
        var url = $"nats://127.0.0.1:{NatsCommandTests.ClosedPort()}";
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<NatsConnectException>(() => NatsLink.ConnectAsync(new NatsLinkOptions { Server = url, ConnectTimeout = TimeSpan.FromSeconds(2) }));
        Assert.False(error.IsAuthorizationFailure);
        Assert.Equal(url, error.Server);
        Assert.StartsWith($"Cannot connect to the NATS server at {url}", error.Message, StringComparison.Ordinal);

        // Bounded: twice the connect timeout at most, whatever the client does (a generous bound, not a speed check).
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_as_such_and_the_right_one_connects_without_showing_it()
    {
        using var server = NatsServer.WithToken("s3cret");
        var refused = await Assert.ThrowsAsync<NatsConnectException>(() => NatsLink.ConnectAsync(new NatsLinkOptions { Server = server.Url, Token = "wrong" }));
        Assert.True(refused.IsAuthorizationFailure);
        Assert.Contains($"The NATS server at {server.Url} refused the credentials", refused.Message, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<NatsConnectException>(() => NatsLink.ConnectAsync(new NatsLinkOptions { Server = server.Url }));
        Assert.True(none.IsAuthorizationFailure);

        await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = $"nats://s3cret@127.0.0.1:{server.Port}" });
        Assert.Equal(NatsLinkState.Connected, link.State);
        Assert.Equal($"nats://***@127.0.0.1:{server.Port}", link.Server);
        await link.FlushAsync();
    }

    [Fact]
    public async Task A_server_stopped_and_restarted_while_a_publisher_runs_is_reported_and_publishing_goes_on()
    {
        using var server = new NatsServer();
        var options = new NatsLinkOptions { Server = server.Url, ReconnectWait = TimeSpan.FromMilliseconds(100) };
        await using var publisherLink = await NatsLink.ConnectAsync(options);
        await using var subscriberLink = await NatsLink.ConnectAsync(options);
        var states = new ConcurrentQueue<NatsLinkState>();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        publisherLink.StateChanged += (_, e) =>
        {
            states.Enqueue(e.State);
            (e.State == NatsLinkState.Connected ? back : lost).TrySetResult();
        };

        var received = new ConcurrentQueue<int>();
        var arrived = new SemaphoreSlim(0);
        var receiving = new Exchange<int>("ticks");
        using var printer = receiving.Attach(tick =>
        {
            received.Enqueue(tick);
            arrived.Release();
        });
        using var inbound = receiving.Bridge(new NatsExchangeTransport<int>(subscriberLink));
        await subscriberLink.FlushAsync();

        var sending = new Exchange<int>("ticks");
        using var outbound = sending.Bridge(new NatsExchangeTransport<int>(publisherLink));
        using var stop = new CancellationTokenSource();
        var sent = 0;
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                sending.Send(Interlocked.Increment(ref sent));

                // A steady trickle, as a real publisher sends: pacing, not synchronisation.
                await Task.Delay(2);
            }
        });

        Assert.True(await arrived.WaitAsync(ThreadworkTool.Limit), "nothing arrived before the restart");
        server.Stop();
        await lost.Task.WaitAsync(ThreadworkTool.Limit);
        Assert.Equal(NatsLinkState.Reconnecting, publisherLink.State);
        server.Restart();
        await back.Task.WaitAsync(ThreadworkTool.Limit);
        Assert.Equal(NatsLinkState.Connected, publisherLink.State);

        // Once both are back, ticks sent from now on arrive: wait for one sent after the reconnection.
        var after = Volatile.Read(ref sent);
        while (!received.Any(tick => tick > after))
        {
            Assert.True(await arrived.WaitAsync(ThreadworkTool.Limit), $"no tick after {after} arrived after the restart");
        }

        await stop.CancelAsync();
        await publisher;
        Assert.Equal([NatsLinkState.Reconnecting, NatsLinkState.Connected], states.Distinct());

        // At most once: some ticks of the outage may be missing, but none arrives twice or out of order.
        var ticks = received.ToArray();
        Assert.True(ticks.Zip(ticks.Skip(1)).All(pair => pair.First < pair.Second), "ticks arrived twice or out of order");
    }
}

using BenchmarkDotNet.Attributes;
using NATS.Client.Core;
using NATS.Client.Serializers.Json;
using Threadwork.Messaging;
using Threadwork.Nats;

namespace Threadwork.Benchmarks.Nats;

/// <summary>
/// Messages per second from one process connection to another through a local nats-server (started by the
/// benchmark, core NATS): raw NATS.Net (<c>PublishAsync</c> on one connection, a <c>SubscribeCoreAsync</c>
/// reader on another) against a Threadwork <see cref="Exchange{T}"/> bridged over
/// <see cref="NatsExchangeTransport{T}"/> on each side (<c>Send</c> on one, an attached delegate on the other).
/// One operation is one message sent and received; each invocation sends 10,000 and waits for the last.
/// Both sides do the same work: the same serializer, the same pending capacity on the subscription (the
/// transport's default, 65,536), echo off, and a publish that returns once the client has buffered it.
/// Payloads: <c>text</c>, a short string with NATS.Net's UTF-8 serializer on both sides; <c>json</c>, a small
/// record with NATS.Net's <see cref="NatsJsonSerializer{T}"/> on both sides; <c>json-default</c>, the same
/// record with the transport's default <see cref="JsonMessageSerializer{T}"/> against NATS.Net's on the raw side.
/// </summary>
[MemoryDiagnoser]
public class NatsExchangeBenchmarks
{
    internal const int Messages = 10_000;
    private const string RawSubject = "bench.raw";
    private const string ExchangeSubject = "bench.exchange";

    private LocalNatsServer _server = null!;
    private NatsConnection _rawPublisher = null!;
    private NatsConnection _rawSubscriber = null!;
    private INatsSub<Tick> _rawTicks = null!;
    private INatsSub<Tick> _rawDefaultTicks = null!;
    private INatsSub<string> _rawTexts = null!;
    private Task _rawReader = null!;
    private NatsLink _publisherLink = null!;
    private NatsLink _subscriberLink = null!;
    private readonly List<IDisposable> _bridges = [];
    private Exchange<Tick> _tickSender = null!;
    private Exchange<Tick> _defaultTickSender = null!;
    private Exchange<string> _textSender = null!;

    /// <summary>Messages received in the current invocation, and the signal that the last one came.</summary>
    private int _received;
    private TaskCompletionSource _allReceived = new();

    public sealed record Tick(int Id, string Name);

    [Params("text", "json", "json-default")]
    public string Payload { get; set; } = "text";

    [GlobalSetup]
    public async Task Setup()
    {
        _server = new LocalNatsServer();
        // Echo off as on a NatsLink (it changes nothing here: the raw publisher subscribes to nothing).
        var opts = NatsOpts.Default with { Url = _server.Url, Echo = false };
        _rawPublisher = new NatsConnection(opts);
        _rawSubscriber = new NatsConnection(opts);
        await _rawPublisher.ConnectAsync();
        await _rawSubscriber.ConnectAsync();

        // The transport's pending capacity: with the client's default (1,024) a burst can drop messages.
        var pending = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 65_536 } };
        _rawTicks = await _rawSubscriber.SubscribeCoreAsync(RawSubject + ".json", serializer: NatsJsonSerializer<Tick>.Default, opts: pending);
        _rawDefaultTicks = await _rawSubscriber.SubscribeCoreAsync(RawSubject + ".json-default", serializer: NatsJsonSerializer<Tick>.Default, opts: pending);
        _rawTexts = await _rawSubscriber.SubscribeCoreAsync<string>(RawSubject + ".text", opts: pending);
        _rawReader = Task.WhenAll(ReadAll(_rawTicks), ReadAll(_rawDefaultTicks), ReadAll(_rawTexts));
        await _rawSubscriber.PingAsync();

        _publisherLink = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = _server.Url });
        _subscriberLink = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = _server.Url });
        _tickSender = new Exchange<Tick>(ExchangeSubject + ".json");
        _defaultTickSender = new Exchange<Tick>(ExchangeSubject + ".json-default");
        _textSender = new Exchange<string>(ExchangeSubject + ".text");
        var tickReceiver = new Exchange<Tick>(ExchangeSubject + ".json");
        var defaultTickReceiver = new Exchange<Tick>(ExchangeSubject + ".json-default");
        var textReceiver = new Exchange<string>(ExchangeSubject + ".text");
        _bridges.Add(tickReceiver.Attach(_ => Count()));
        _bridges.Add(defaultTickReceiver.Attach(_ => Count()));
        _bridges.Add(textReceiver.Attach(_ => Count()));
        _bridges.Add(tickReceiver.Bridge(new NatsExchangeTransport<Tick>(_subscriberLink, NatsJsonSerializer<Tick>.Default)));
        _bridges.Add(defaultTickReceiver.Bridge(new NatsExchangeTransport<Tick>(_subscriberLink)));
        _bridges.Add(textReceiver.Bridge(new NatsExchangeTransport<string>(_subscriberLink, NatsDefaultSerializer<string>.Default)));
        _bridges.Add(_tickSender.Bridge(new NatsExchangeTransport<Tick>(_publisherLink, NatsJsonSerializer<Tick>.Default)));
        _bridges.Add(_defaultTickSender.Bridge(new NatsExchangeTransport<Tick>(_publisherLink)));
        _bridges.Add(_textSender.Bridge(new NatsExchangeTransport<string>(_publisherLink, NatsDefaultSerializer<string>.Default)));
        await _subscriberLink.FlushAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _bridges.ForEach(b => b.Dispose());
        await _rawTicks.DisposeAsync();
        await _rawDefaultTicks.DisposeAsync();
        await _rawTexts.DisposeAsync();
        await _rawReader;
        await _rawPublisher.DisposeAsync();
        await _rawSubscriber.DisposeAsync();
        await _publisherLink.DisposeAsync();
        await _subscriberLink.DisposeAsync();
        _server.Dispose();
    }

    private void Reset()
    {
        _received = 0;
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "raw NATS.Net publish/subscribe")]
    public async Task Raw()
    {
        Reset();
        await StartOnThePool();
        if (Payload != "text")
        {
            var subject = RawSubject + "." + Payload;
            var tick = new Tick(1, "tick");
            for (var i = 0; i < Messages; i++)
            {
                await _rawPublisher.PublishAsync(subject, tick, serializer: NatsJsonSerializer<Tick>.Default);
            }
        }
        else
        {
            for (var i = 0; i < Messages; i++)
            {
                await _rawPublisher.PublishAsync(RawSubject + ".text", "tick");
            }
        }

        await _allReceived.Task;
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Exchange bridged over NATS")]
    public async Task Exchange()
    {
        Reset();
        await StartOnThePool();
        if (Payload != "text")
        {
            var sender = Payload == "json" ? _tickSender : _defaultTickSender;
            var tick = new Tick(1, "tick");
            for (var i = 0; i < Messages; i++)
            {
                sender.Send(tick);
            }
        }
        else
        {
            for (var i = 0; i < Messages; i++)
            {
                _textSender.Send("tick");
            }
        }

        await _allReceived.Task;
    }

    /// <summary>
    /// Raw NATS.Net publishing as the transport does, waiting synchronously for a publish that does not
    /// complete at once instead of awaiting it; not a BenchmarkDotNet case, one side of <see cref="NatsExchangePaired"/>.
    /// </summary>
    internal async Task RawWaitedSynchronously()
    {
        Reset();
        await StartOnThePool();
        var subject = RawSubject + "." + Payload;
        var tick = new Tick(1, "tick");
        for (var i = 0; i < Messages; i++)
        {
            var sent = Payload == "text"
                ? _rawPublisher.PublishAsync(subject, "tick")
                : _rawPublisher.PublishAsync(subject, tick, serializer: NatsJsonSerializer<Tick>.Default);
            if (!sent.IsCompletedSuccessfully)
            {
                sent.AsTask().GetAwaiter().GetResult();
            }
        }

        await _allReceived.Task;
    }

    /// <summary>
    /// Both sides publish from a thread-pool thread. Otherwise each starts on BenchmarkDotNet's main thread,
    /// and raw's first publish that completes later moves the rest of its loop to the pool while the
    /// bridge's synchronous <c>Send</c> stays on the main thread: not the same conditions (see benchmarks.md).
    /// </summary>
    private static async Task StartOnThePool()
    {
        await Task.Yield();
    }

    /// <summary>
    /// The raw subscriber's loop, written as the transport's is (wait, then take all that is there), so that
    /// both sides pay the same for reading the client's channel; <c>await foreach</c> over
    /// <c>ReadAllAsync</c> costs the raw side more (see benchmarks.md).
    /// </summary>
    private async Task ReadAll<T>(INatsSub<T> subscription)
    {
        var messages = subscription.Msgs;
        while (await messages.WaitToReadAsync())
        {
            while (messages.TryRead(out _))
            {
                Count();
            }
        }
    }

    private void Count()
    {
        if (Interlocked.Increment(ref _received) == Messages)
        {
            _allReceived.TrySetResult();
        }
    }
}

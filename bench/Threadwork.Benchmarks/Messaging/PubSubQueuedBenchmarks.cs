using System.Threading.Tasks.Dataflow;
using BenchmarkDotNet.Attributes;
using Threadwork.Messaging;

namespace Threadwork.Benchmarks.Messaging;

/// <summary>
/// Queued fan-out: each subscriber has its own backlog and is served on the thread pool, so the sender
/// never waits for a subscriber. The peer is Dataflow's <see cref="BroadcastBlock{T}"/>
/// (System.Threading.Tasks.Dataflow 11.0.0) linked to one <see cref="ActionBlock{TInput}"/> per
/// subscriber (default options: one message at a time, unbounded); ours is <see cref="Exchange{T}"/> with
/// every subscriber attached with <see cref="QueuedDelivery"/> (capacity = messages, so nothing is
/// dropped). Each invocation sends <c>Messages</c> messages and ends only when every subscriber has
/// received every one of them, on both sides. Figures are per message sent. Each subscriber counts on a
/// cache line of its own (<c>Stride</c> ints apart): adjacent counters, written by subscribers running on
/// both cores, would otherwise bounce one line between them, on both sides alike.
/// </summary>
[MemoryDiagnoser]
public class PubSubQueuedBenchmarks
{
    private const int Messages = 5_000;
    private const int Stride = 32;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<IDisposable> _subscriptions = [];
    private BroadcastBlock<int> _broadcast = null!;
    private Exchange<int> _exchange = null!;
    private int[] _received = [];
    private CountdownEvent _done = new(1);

    [Params(1, 10, 100)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _received = new int[Subscribers * Stride];
        _broadcast = new BroadcastBlock<int>(cloningFunction: null);
        _exchange = new Exchange<int>("bench");
        for (var s = 0; s < Subscribers; s++)
        {
            var subscriber = s * Stride;
            var target = new ActionBlock<int>(_ => Received(subscriber));
            _subscriptions.Add(_broadcast.LinkTo(target));
            _subscriptions.Add(_exchange.Attach(_ => Received(subscriber), new QueuedDelivery(Messages)));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _subscriptions.ForEach(s => s.Dispose());
        _broadcast.Complete();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Dataflow BroadcastBlock -> ActionBlocks")]
    public void BroadcastBlock()
    {
        Begin();
        for (var i = 0; i < Messages; i++)
        {
            _broadcast.Post(i);
        }

        End();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Exchange.Send (queued)")]
    public void Exchange()
    {
        Begin();
        for (var i = 0; i < Messages; i++)
        {
            _exchange.Send(i);
        }

        End();
    }

    // The previous invocation ended only when every subscriber had every message, so nothing runs now.
    private void Begin()
    {
        Array.Clear(_received);
        _done = new CountdownEvent(Subscribers);
    }

    private void End()
    {
        if (!_done.Wait(Patience))
        {
            throw new InvalidOperationException("not every subscriber received every message");
        }

        _done.Dispose();
    }

    private void Received(int subscriber)
    {
        if (++_received[subscriber] == Messages)
        {
            _done.Signal();
        }
    }
}

using System.Reactive.Subjects;
using BenchmarkDotNet.Attributes;
using Threadwork.Benchmarks.Support;
using Threadwork.Messaging;

namespace Threadwork.Benchmarks.Messaging;

/// <summary>
/// Synchronous fan-out on the sender's thread: one message to every subscriber, each a delegate that
/// adds the message to its own sum. The peer is Rx's <see cref="Subject{T}"/> (System.Reactive 7.0.0)
/// with <c>Subscribe(Action&lt;T&gt;)</c>; ours is <see cref="Exchange{T}.Send"/> to delegates attached
/// with <c>Attach(Action&lt;T&gt;)</c>. Figures are per message sent (all subscribers reached). A third
/// row, for reference, is the floor: a plain loop over an array of the same delegates, which neither
/// isolates a failing subscriber nor skips one detached during the send. All the work is on the
/// benchmark's thread, so it is timed by that thread's CPU time (<see cref="ThreadCpuTimeConfig"/>), which
/// the machine's other load does not inflate.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThreadCpuTimeConfig))]
public class PubSubSyncBenchmarks
{
    private const int Messages = 10_000;

    private readonly Subject<int> _subject = new();
    private readonly Exchange<int> _exchange = new("bench");
    private readonly List<IDisposable> _subscriptions = [];
    private Action<int>[] _plain = [];

    [Params(1, 10, 100)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        for (var s = 0; s < Subscribers; s++)
        {
            _subscriptions.Add(_subject.Subscribe(new Sink().Add));
            _subscriptions.Add(_exchange.Attach(new Sink().Add));
        }

        _plain = [.. Enumerable.Range(0, Subscribers).Select(_ => (Action<int>)new Sink().Add)];
    }

    [GlobalCleanup]
    public void Cleanup() => _subscriptions.ForEach(s => s.Dispose());

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Rx Subject.OnNext")]
    public void Subject()
    {
        for (var i = 0; i < Messages; i++)
        {
            _subject.OnNext(i);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Exchange.Send (synchronous)")]
    public void Exchange()
    {
        for (var i = 0; i < Messages; i++)
        {
            _exchange.Send(i);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "plain loop, no isolation (floor)")]
    public void PlainLoop()
    {
        for (var i = 0; i < Messages; i++)
        {
            foreach (var deliver in _plain)
            {
                deliver(i);
            }
        }
    }

    private sealed class Sink
    {
        public long Sum { get; private set; }

        public void Add(int message) => Sum += message;
    }
}

using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Threadwork.Queues;

namespace Threadwork.Benchmarks.Queues;

/// <summary>
/// Fill with items of 16 priorities, then drain, on one thread: the cost of ordering plus the
/// queue's locking. Peers: Channel.CreateUnboundedPrioritized (not stable among equals) and
/// PriorityQueue&lt;TElement, TPriority&gt; under a Lock (not stable either; no waiting, no close).
/// Figures are per item (one put and one get).
/// </summary>
[MemoryDiagnoser]
public class PriorityQueueBenchmarks
{
    private const int Items = 100_000;

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "PriorityQueue + Lock")]
    public int LockedPriorityQueue()
    {
        var gate = new Lock();
        var queue = new PriorityQueue<int, int>();
        for (var i = 0; i < Items; i++)
        {
            lock (gate)
            {
                queue.Enqueue(i, -(i & 15));
            }
        }

        var sum = 0;
        for (var i = 0; i < Items; i++)
        {
            lock (gate)
            {
                sum += queue.Dequeue();
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Channel.CreateUnboundedPrioritized")]
    public int PrioritizedChannel()
    {
        var channel = Channel.CreateUnboundedPrioritized(new UnboundedPrioritizedChannelOptions<int>
        {
            Comparer = Comparer<int>.Create(static (a, b) => (b & 15).CompareTo(a & 15)),
        });
        for (var i = 0; i < Items; i++)
        {
            channel.Writer.TryWrite(i);
        }

        var sum = 0;
        for (var i = 0; i < Items; i++)
        {
            channel.Reader.TryRead(out var item);
            sum += item;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "PriorityWorkQueue")]
    public int PriorityWorkQueue()
    {
        var queue = new PriorityWorkQueue<int>();
        for (var i = 0; i < Items; i++)
        {
            queue.TryPut(i, i & 15);
        }

        var sum = 0;
        for (var i = 0; i < Items; i++)
        {
            queue.TryGet(out var item);
            sum += item;
        }

        return sum;
    }
}

using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Threadwork.Queues;

namespace Threadwork.Benchmarks.Queues;

/// <summary>
/// Blocking threads passing ints: producers put, consumers get, each on its own thread. The peer is
/// BlockingCollection&lt;T&gt;, .NET's blocking producer/consumer queue. Figures are per item.
/// </summary>
[MemoryDiagnoser]
public class QueueSyncBenchmarks
{
    private const int Items = 200_000;

    /// <summary>Producers and as many consumers: 1 is SPSC, 2 is 2x2 MPMC.</summary>
    [Params(1, 2)]
    public int Pairs { get; set; }

    /// <summary>0 for unbounded, else the bound.</summary>
    [Params(0, 1024)]
    public int Capacity { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "BlockingCollection")]
    public void BlockingCollection()
    {
        using var queue = Capacity == 0 ? new BlockingCollection<int>(new ConcurrentQueue<int>()) : new BlockingCollection<int>(new ConcurrentQueue<int>(), Capacity);
        Run(i => queue.Add(i), () => queue.Take());
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "WorkQueue")]
    public void WorkQueue()
    {
        var queue = Capacity == 0 ? new WorkQueue<int>() : new WorkQueue<int>(Capacity);
        Run(i => queue.Put(i), () => queue.Get());
    }

    private void Run(Action<int> put, Func<int> get)
    {
        var perThread = Items / Pairs;
        var threads = new List<Thread>();
        for (var p = 0; p < Pairs; p++)
        {
            threads.Add(new Thread(() =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    put(i);
                }
            }));
            threads.Add(new Thread(() =>
            {
                for (var i = 0; i < perThread; i++)
                {
                    get();
                }
            }));
        }

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
    }
}

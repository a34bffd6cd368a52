using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Threadwork.Queues;
using Threadwork.Selection;

namespace Threadwork.Benchmarks.Selection;

/// <summary>
/// One blocking consumer thread taking from whichever of 4 queues has an item, while one producer
/// thread puts round-robin into all 4. The peer is BlockingCollection&lt;T&gt;.TakeFromAny over 4
/// collections, .NET's blocking select. Figures are per item.
/// </summary>
[MemoryDiagnoser]
public class SelectSyncBenchmarks
{
    private const int Items = 100_000;
    private const int Queues = 4;

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "BlockingCollection.TakeFromAny x4")]
    public void TakeFromAny()
    {
        var collections = Enumerable.Range(0, Queues).Select(_ => new BlockingCollection<int>(new ConcurrentQueue<int>())).ToArray();
        Run(i => collections[i % Queues].Add(i), () => BlockingCollection<int>.TakeFromAny(collections, out _));
        foreach (var collection in collections)
        {
            collection.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Selector.Wait x4")]
    public void Select()
    {
        var queues = Enumerable.Range(0, Queues).Select(_ => new WorkQueue<int>()).ToArray();
        var select = Threadwork.Selection.Select.From(queues);
        Run(i => queues[i % Queues].Put(i), () => select.Wait());
    }

    private static void Run(Action<int> put, Action take)
    {
        var producer = new Thread(() =>
        {
            for (var i = 0; i < Items; i++)
            {
                put(i);
            }
        });
        var consumer = new Thread(() =>
        {
            for (var i = 0; i < Items; i++)
            {
                take();
            }
        });
        producer.Start();
        consumer.Start();
        producer.Join();
        consumer.Join();
    }
}

using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Threadwork.Queues;

namespace Threadwork.Benchmarks.Queues;

/// <summary>
/// Async producers and consumers passing ints through PutAsync/GetAsync. The peer is Channel&lt;T&gt;
/// (WriteAsync/ReadAsync, default options: many readers and writers, continuations asynchronous).
/// Figures are per item.
/// </summary>
[MemoryDiagnoser]
public class QueueAsyncBenchmarks
{
    private const int Items = 200_000;

    /// <summary>Producers and as many consumers: 1 is SPSC, 2 is 2x2 MPMC.</summary>
    [Params(1, 2)]
    public int Pairs { get; set; }

    /// <summary>0 for unbounded, else the bound.</summary>
    [Params(0, 1024)]
    public int Capacity { get; set; }

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "Channel")]
    public Task Channel()
    {
        var channel = Capacity == 0 ? System.Threading.Channels.Channel.CreateUnbounded<int>() : System.Threading.Channels.Channel.CreateBounded<int>(Capacity);
        return Run(channel.Writer.WriteAsync, channel.Reader.ReadAsync);
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "WorkQueue")]
    public Task WorkQueue()
    {
        var queue = Capacity == 0 ? new WorkQueue<int>() : new WorkQueue<int>(Capacity);
        return Run(queue.PutAsync, queue.GetAsync);
    }

    private Task Run(Func<int, CancellationToken, ValueTask> put, Func<CancellationToken, ValueTask<int>> get)
    {
        var perTask = Items / Pairs;
        var tasks = new List<Task>();
        for (var p = 0; p < Pairs; p++)
        {
            tasks.Add(Task.Run(async () =>
            {
                for (var i = 0; i < perTask; i++)
                {
                    await put(i, default);
                }
            }));
            tasks.Add(Task.Run(async () =>
            {
                for (var i = 0; i < perTask; i++)
                {
                    await get(default);
                }
            }));
        }

        return Task.WhenAll(tasks);
    }
}

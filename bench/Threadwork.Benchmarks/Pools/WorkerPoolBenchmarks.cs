using BenchmarkDotNet.Attributes;
using Threadwork.Pools;

namespace Threadwork.Benchmarks.Pools;

/// <summary>
/// 1,000 small jobs submitted and awaited: a two-thread <see cref="WorkerPool"/> against the .NET thread
/// pool (<c>Task.Run</c>, the baseline), and the pool's ordered <c>Map</c> against PLINQ's
/// <c>AsOrdered().Select</c> with the same two workers. Per job (OperationsPerInvoke).
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolBenchmarks
{
    private const int Jobs = 1_000;
    private static readonly int[] Items = [.. Enumerable.Range(0, Jobs)];
    private readonly Task<int>[] _tasks = new Task<int>[Jobs];
    private WorkerPool _pool = null!;

    [GlobalSetup]
    public void Setup() => _pool = new WorkerPool(2, "bench");

    [GlobalCleanup]
    public void Cleanup() => _pool.Shutdown();

    [Benchmark(Baseline = true, OperationsPerInvoke = Jobs, Description = "Task.Run (ThreadPool), 1000 jobs")]
    public int TaskRun()
    {
        for (var i = 0; i < Jobs; i++)
        {
            var n = i;
            _tasks[i] = Task.Run(() => Work(n));
        }

        return Sum();
    }

    [Benchmark(OperationsPerInvoke = Jobs, Description = "WorkerPool(2).Submit, 1000 jobs")]
    public int PoolSubmit()
    {
        for (var i = 0; i < Jobs; i++)
        {
            var n = i;
            _tasks[i] = _pool.Submit(() => Work(n));
        }

        return Sum();
    }

    [Benchmark(OperationsPerInvoke = Jobs, Description = "PLINQ AsOrdered, 2 workers, 1000 items")]
    public int PlinqOrdered() => Items.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(Work).Sum();

    [Benchmark(OperationsPerInvoke = Jobs, Description = "WorkerPool(2).Map, look-ahead 64, 1000 items")]
    public int PoolMap() => _pool.Map(Items, Work, lookAhead: 64).Sum();

    private static int Work(int n) => (n * 31) ^ 7;

    private int Sum()
    {
        Task.WaitAll(_tasks);
        var sum = 0;
        foreach (var task in _tasks)
        {
            sum += task.Result;
        }

        return sum;
    }
}

using BenchmarkDotNet.Attributes;
using Threadwork.Coroutines;

namespace Threadwork.Benchmarks.Coroutines;

/// <summary>
/// Cooperative switches on one thread: 100 tasks that each give way 1,000 times, round-robin. The peer is
/// async/await, each switch an <c>await Task.Yield()</c> posted to a single-threaded SynchronizationContext;
/// Threadwork's is a <c>yield return Suspend.Yield</c> to a <see cref="CoroutineScheduler"/>. Figures are per switch.
/// </summary>
[MemoryDiagnoser]
public class CoroutineSwitchBenchmarks
{
    private const int Tasks = 100;
    private const int YieldsEach = 1_000;
    private const int Switches = Tasks * YieldsEach;

    private long _work;

    [Benchmark(Baseline = true, OperationsPerInvoke = Switches, Description = "async/await Task.Yield, single-thread context")]
    public long AsyncTaskYield()
    {
        var context = new SingleThreadSynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task all;
        try
        {
            var tasks = new Task[Tasks];
            for (var i = 0; i < Tasks; i++)
            {
                tasks[i] = YieldingAsync();
            }

            all = Task.WhenAll(tasks);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        context.RunUntil(all);
        return _work;
    }

    [Benchmark(OperationsPerInvoke = Switches, Description = "CoroutineScheduler, yield return Suspend.Yield")]
    public long CoroutineYield()
    {
        var scheduler = new CoroutineScheduler();
        for (var i = 0; i < Tasks; i++)
        {
            scheduler.Spawn($"task {i}", Yielding());
        }

        scheduler.Run();
        return _work;
    }

    private async Task YieldingAsync()
    {
        for (var i = 0; i < YieldsEach; i++)
        {
            _work++;
            await Task.Yield();
        }
    }

    private IEnumerable<Suspend> Yielding()
    {
        for (var i = 0; i < YieldsEach; i++)
        {
            _work++;
            yield return Suspend.Yield;
        }
    }
}

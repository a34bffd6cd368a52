using BenchmarkDotNet.Attributes;
using Threadwork.Workers;

namespace Threadwork.Benchmarks.Workers;

/// <summary>
/// One worker's whole life: create, start, wait for its started signal, join. The peer is what a
/// careful user writes by hand: a raw Thread that sets a ManualResetEventSlim on entry.
/// </summary>
[MemoryDiagnoser]
public class WorkerLifecycleBenchmarks
{
    [Benchmark(Baseline = true, Description = "Thread + ManualResetEventSlim")]
    public void RawThread()
    {
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() => started.Set()) { Name = "bench" };
        thread.Start();
        started.Wait();
        thread.Join();
    }

    [Benchmark(Description = "Worker start/started/join")]
    public void Worker()
    {
        var worker = new Worker("bench", static _ => { });
        worker.Start();
        worker.Started.Wait();
        worker.Join();
    }
}

using BenchmarkDotNet.Attributes;
using Threadwork.Locks;

namespace Threadwork.Benchmarks.Locks;

/// <summary>
/// Two threads taking the same two locks as fast as they can: how an OrderedLock's spin-then-park word holds up
/// against System.Threading.Lock when the locks are fought over. Timed by the wall clock (two threads work), so
/// run it on a quiet machine or repeat it.
/// </summary>
[MemoryDiagnoser]
public class OrderedLockContendedBenchmarks
{
    private const int Threads = 2;
    private const int AcquisitionsPerThread = 100_000;

    private readonly Lock _rawA = new();
    private readonly Lock _rawB = new();
    private readonly OrderedLock _a = new("a");
    private readonly OrderedLock _b = new("b");
    private long _counter;

    [Benchmark(Baseline = true, Description = "nested System.Threading.Lock, 2 threads", OperationsPerInvoke = Threads * AcquisitionsPerThread)]
    public long RawNestedLock() => OnThreads(() =>
    {
        for (var i = 0; i < AcquisitionsPerThread; i++)
        {
            lock (_rawA)
            {
                lock (_rawB)
                {
                    _counter++;
                }
            }
        }
    });

    [Benchmark(Description = "OrderedLock.AcquireAll(b, a), 2 threads", OperationsPerInvoke = Threads * AcquisitionsPerThread)]
    public long AcquireAll() => OnThreads(() =>
    {
        for (var i = 0; i < AcquisitionsPerThread; i++)
        {
            using (OrderedLock.AcquireAll(_b, _a))
            {
                _counter++;
            }
        }
    });

    private long OnThreads(ThreadStart body)
    {
        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            threads[t] = new Thread(body);
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return _counter;
    }
}

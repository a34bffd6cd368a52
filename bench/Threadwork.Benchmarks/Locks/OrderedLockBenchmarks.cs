using BenchmarkDotNet.Attributes;
using Threadwork.Benchmarks.Support;
using Threadwork.Locks;

namespace Threadwork.Benchmarks.Locks;

/// <summary>
/// Taking two locks and releasing them, uncontended, on one thread: the cost an OrderedLock adds to the
/// raw nested System.Threading.Lock a careful user writes by hand, with the lock-order validator off and on.
/// All the work is on the benchmark's thread, so it is timed by that thread's CPU time (<see cref="ThreadCpuTimeConfig"/>),
/// which the machine's other load does not inflate.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThreadCpuTimeConfig))]
public class OrderedLockBenchmarks
{
    private readonly Lock _rawA = new();
    private readonly Lock _rawB = new();
    private readonly OrderedLock _a = new("a");
    private readonly OrderedLock _b = new("b");
    private int _counter;

    [GlobalSetup(Targets = [nameof(AcquireAllValidatorOn)])]
    public void ValidatorOn() => LockOrderValidator.IsEnabled = true;

    [GlobalSetup(Targets = [nameof(RawNestedLock), nameof(AcquireAllValidatorOff), nameof(NestedAcquireValidatorOff)])]
    public void ValidatorOff() => LockOrderValidator.IsEnabled = false;

    [Benchmark(Baseline = true, Description = "nested System.Threading.Lock")]
    public int RawNestedLock()
    {
        lock (_rawA)
        {
            lock (_rawB)
            {
                return ++_counter;
            }
        }
    }

    [Benchmark(Description = "OrderedLock.AcquireAll(b, a), validator off")]
    public int AcquireAllValidatorOff()
    {
        using (OrderedLock.AcquireAll(_b, _a))
        {
            return ++_counter;
        }
    }

    [Benchmark(Description = "OrderedLock.AcquireAll(b, a), validator on")]
    public int AcquireAllValidatorOn()
    {
        using (OrderedLock.AcquireAll(_b, _a))
        {
            return ++_counter;
        }
    }

    [Benchmark(Description = "nested OrderedLock.Acquire(), validator off")]
    public int NestedAcquireValidatorOff()
    {
        using (_a.Acquire())
        using (_b.Acquire())
        {
            return ++_counter;
        }
    }
}

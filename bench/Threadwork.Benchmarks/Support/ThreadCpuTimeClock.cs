using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace Threadwork.Benchmarks.Support;

/// <summary>
/// A BenchmarkDotNet clock that reads the CPU time of the calling thread (Linux's CLOCK_THREAD_CPUTIME_ID)
/// instead of the wall clock. On a machine shared with other work, the time a single-threaded benchmark spends
/// descheduled does not count, so its figures stay comparable from run to run. Only for benchmarks whose whole
/// work runs on the benchmark's own thread: work done by other threads is not counted.
/// </summary>
public sealed class ThreadCpuTimeClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>The one instance.</summary>
    public static readonly ThreadCpuTimeClock Instance = new();

    private ThreadCpuTimeClock()
    {
    }

    /// <inheritdoc/>
    public string Title => "thread CPU time (CLOCK_THREAD_CPUTIME_ID)";

    /// <inheritdoc/>
    public bool IsAvailable => OperatingSystem.IsLinux();

    /// <inheritdoc/>
    public Frequency Frequency => Frequency.GHz;

    /// <inheritdoc/>
    public long GetTimestamp()
    {
        if (clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Threadwork.Benchmarks.Support;

/// <summary>
/// For single-threaded benchmarks on a shared machine: the short job, timed by <see cref="ThreadCpuTimeClock"/>.
/// It runs in process, because a custom clock cannot be handed to a separately built benchmark process.
/// </summary>
public sealed class ThreadCpuTimeConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ThreadCpuTimeConfig()
    {
        AddJob(Job.ShortRun
            .WithClock(ThreadCpuTimeClock.Instance)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("ShortRun-ThreadCpuTime"));
    }
}

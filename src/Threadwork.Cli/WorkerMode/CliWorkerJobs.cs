using Threadwork.Cli.Robots;
using Threadwork.Pools;

namespace Threadwork.Cli.WorkerMode;

/// <summary>
/// The jobs <c>threadwork</c> runs when a <see cref="ProcessPool"/> starts it as a worker (Program.cs checks
/// <see cref="ProcessPoolWorker.IsWorkerProcess"/> before anything else): the robots scan and the tour's demo jobs.
/// </summary>
internal static class CliWorkerJobs
{
    public static ProcessJobRegistry Registry { get; } = new ProcessJobRegistry()
        .Register(RobotsProcessScan.Job, RobotsProcessScan.ScanInWorker)
        .Register(ProcessPoolDemo.Square, ProcessPoolDemo.SquareInWorker)
        .Register(ProcessPoolDemo.Crash, ProcessPoolDemo.CrashInWorker);
}

using System.Text.Json.Serialization;
using Threadwork.Pools;

namespace Threadwork.Cli.WorkerMode;

/// <summary>The tour's process pool: six jobs on two worker processes, one of which crashes its worker; the other five complete and the pool goes on.</summary>
internal static class ProcessPoolDemo
{
    private const int Jobs = 6;
    private const int Crashing = 3;

    /// <summary>n in, n squared and the worker's process id out.</summary>
    public static ProcessJob<int, int[]> Square { get; } = new("tour-square", DemoJson.Default.Int32, DemoJson.Default.Int32Array);

    /// <summary>Ends its worker with Environment.FailFast, as a crash in native code would.</summary>
    public static ProcessJob<string, int> Crash { get; } = new("tour-crash", DemoJson.Default.String, DemoJson.Default.Int32);

    public static int[] SquareInWorker(int n, CancellationToken cancellationToken) => [n * n, Environment.ProcessId];

    public static int CrashInWorker(string message, CancellationToken cancellationToken)
    {
        Environment.FailFast(message);
        return 0;
    }

    /// <exception cref="InvalidOperationException">Not exactly the crashing job failed, or the pool did not go on.</exception>
    public static async Task RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 2, Name = "tour", WorkerErrorOutput = null });
        output.WriteLine($"ProcessPool: 2 worker processes (this tool started again as a worker); job {Crashing} of {Jobs} calls Environment.FailFast");
        // Submitted in order, so the crash lands in the middle of the work, with jobs before and after it.
        var jobs = Enumerable.Range(1, Jobs)
            .Select(n => n == Crashing ? pool.Submit(Crash, $"job {Crashing} crashes its worker on purpose", cancellationToken: cancellationToken) : (Task)pool.Submit(Square, n, cancellationToken: cancellationToken))
            .ToList();
        var completed = 0;
        for (var n = 1; n <= Jobs; n++)
        {
            if (jobs[n - 1] is Task<int[]> square)
            {
                var result = await square.ConfigureAwait(false);
                output.WriteLine($"  job {n}: {n} * {n} = {result[0]} in worker {result[1]}");
                completed++;
                continue;
            }

            try
            {
                await jobs[n - 1].ConfigureAwait(false);
                throw new InvalidOperationException($"job {Crashing} should have crashed its worker");
            }
            catch (WorkerProcessDiedException e)
            {
                output.WriteLine($"  job {n}: its worker process {e.WorkerProcessId} died (signal {e.Signal}, exit code {e.ExitCode}); only this job is lost");
            }
        }

        var after = await pool.Submit(Square, 7, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (completed != Jobs - 1)
        {
            throw new InvalidOperationException($"{completed} jobs completed instead of {Jobs - 1}");
        }

        output.WriteLine($"{completed} of {Jobs} jobs completed; the dead worker was replaced ({pool.StartedWorkerCount} started for 2 places): 7 * 7 = {after[0]} in worker {after[1]}");
        await pool.ShutdownAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Source-generated JSON for the demo's jobs.</summary>
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class DemoJson : JsonSerializerContext;

using Threadwork.Cli.CommandLine;
using Threadwork.Workers;

namespace Threadwork.Cli.Gate;

/// <summary>Recipe 12.2, third example: workers held at a semaphore and let through one at a time.</summary>
internal static class GateDemo
{
    /// <summary>Starts <paramref name="workers"/> workers that wait at a closed gate, then releases them one per <paramref name="interval"/>.</summary>
    public static async Task RunAsync(int workers, TimeSpan interval, TextWriter output, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(0);
        using var passed = new SemaphoreSlim(0);
        var started = Enumerable.Range(0, workers).Select(n => new Worker($"gate-{n}", ctx =>
        {
            gate.Wait(ctx.StopToken);
            output.WriteLine($"Working {n}");
            passed.Release();
        })).ToList();

        started.ForEach(w => w.Start());
        try
        {
            await Task.WhenAll(started.Select(w => w.Started)).WaitAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"{workers} workers waiting at the gate");
            for (var released = 1; released <= workers; released++)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"Release {released} of {workers}");
                gate.Release();

                // Wait for the one worker let through, so each release is seen to free exactly one.
                await passed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(started.Select(w => w.JoinAsync(cancellationToken))).ConfigureAwait(false);
            output.WriteLine("All workers passed the gate");
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(started).ConfigureAwait(false);
        }
    }
}

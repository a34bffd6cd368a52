using Threadwork.Cli.CommandLine;
using Threadwork.Workers;

namespace Threadwork.Cli.Countdown;

/// <summary>Recipes 12.1 and 12.2: a countdown on a worker, its started signal, and a clean stop.</summary>
internal static class CountdownDemo
{
    /// <summary>
    /// Prints "Launching countdown", "countdown starting", "countdown is running", then "T-minus N" down
    /// to 1, one per <paramref name="interval"/>. With <paramref name="stopAfter"/>, stops the worker
    /// at that point if it is still running ("About to terminate" … "Terminated").
    /// </summary>
    public static async Task RunAsync(int from, TimeSpan interval, TimeSpan? stopAfter, TextWriter output, CancellationToken cancellationToken)
    {
        // Holds the first "T-minus" back until the main thread has said "countdown is running", so the
        // demo prints the same lines in the same order every time (the recipe leaves that to chance).
        using var announced = new ManualResetEventSlim();
        output.WriteLine("Launching countdown");
        var worker = new Worker("countdown", ctx =>
        {
            output.WriteLine("countdown starting");
            ctx.SignalStarted();
            announced.Wait(ctx.StopToken);
            for (var n = from; n > 0; n--)
            {
                output.WriteLine($"T-minus {n}");
                if (n > 1 && !ctx.Sleep(interval))
                {
                    return;
                }
            }
        })
        { SignalsStarted = true };

        worker.Start();
        try
        {
            await worker.Started.WaitAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine("countdown is running");
            announced.Set();

            if (stopAfter is { } limit)
            {
                await Task.WhenAny(worker.Completion, Task.Delay(limit, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!worker.Completion.IsCompleted)
                {
                    output.WriteLine("Still running");
                    output.WriteLine("About to terminate");
                    worker.Stop();
                    await worker.JoinAsync(CancellationToken.None).ConfigureAwait(false);
                    output.WriteLine("Terminated");
                    return;
                }
            }

            await worker.JoinAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine("Completed");
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(worker).ConfigureAwait(false);
        }
    }
}

using Threadwork.Workers;

namespace Threadwork.Cli.CommandLine;

/// <summary>Runs a group of workers whose bodies all begin at the same moment, so they really overlap.</summary>
internal static class StartingLine
{
    /// <summary>
    /// Starts <paramref name="count"/> workers, holds every body until all of them have started, then lets
    /// them go together and waits for them all. Without the hold, one worker may finish before the next
    /// thread has even been created, and a demo of contention shows none. No worker outlives the call.
    /// </summary>
    /// <param name="count">How many workers.</param>
    /// <param name="name">The name of worker <c>i</c> (0-based).</param>
    /// <param name="body">The body of worker <c>i</c>.</param>
    /// <param name="cancellationToken">Ctrl-C: stops the workers.</param>
    public static async Task RunTogetherAsync(int count, Func<int, string> name, Action<int, WorkerContext> body, CancellationToken cancellationToken)
    {
        using var go = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, count).Select(i => new Worker(name(i), ctx =>
        {
            go.Wait(ctx.StopToken);
            body(i, ctx);
        })).ToList();
        workers.ForEach(w => w.Start());
        try
        {
            await Task.WhenAll(workers.Select(w => w.Started)).WaitAsync(cancellationToken).ConfigureAwait(false);
            go.Set();
            await Task.WhenAll(workers.Select(w => w.JoinAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(workers).ConfigureAwait(false);
        }
    }
}

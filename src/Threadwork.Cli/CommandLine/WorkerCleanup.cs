using Threadwork.Workers;

namespace Threadwork.Cli.CommandLine;

/// <summary>What every demo does on its way out, so that no worker outlives the command that started it.</summary>
internal static class WorkerCleanup
{
    /// <summary>
    /// Stops every worker and waits until each has finished. Faults are not re-thrown here: this runs in
    /// a <c>finally</c>, where the exception already on its way (a fault seen by the demo's own join, or
    /// Ctrl-C) must not be replaced.
    /// </summary>
    public static async Task StopAndWaitAsync(params IEnumerable<Worker> workers)
    {
        var all = workers.ToList();
        all.ForEach(w => w.Stop());
        await Task.WhenAll(all.Select(w => w.Completion)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

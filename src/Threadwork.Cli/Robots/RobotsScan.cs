using Threadwork.Cli.CommandLine;
using Threadwork.Workers;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Recipe 12.8's <c>find_all_robots</c>: every log scanned by <see cref="FileScanner.Scan"/>, several at
/// once, the results merged. The recipe's <c>map</c> is <see cref="ScanSettings.Threads"/> = 1, its
/// <c>pool.map</c> any other count: .NET threads run the scans in parallel (there is no GIL), so no
/// process pool is needed for speed; <see cref="ScanSettings.Processes"/> runs the scans in worker processes
/// instead (<see cref="RobotsProcessScan"/>), the recipe's <c>ProcessPoolExecutor</c>, with the same output.
/// </summary>
internal static class RobotsScan
{
    /// <summary>Scans every source; the results are in the order of <paramref name="sources"/>.</summary>
    public static async Task<IReadOnlyList<FileScanResult>> RunAsync(IReadOnlyList<LogSource> sources, ScanSettings settings, ScanProgress progress, CancellationToken cancellationToken)
    {
        if (settings.Processes > 0)
        {
            return await RobotsProcessScan.RunAsync(sources, settings, progress, cancellationToken).ConfigureAwait(false);
        }

        var results = new FileScanResult[sources.Count];

        // Largest first, so a big file is not left to run alone at the end.
        var order = Enumerable.Range(0, sources.Count).OrderByDescending(i => sources[i].Length ?? long.MaxValue).ToArray();
        var taken = -1;
        var threads = Math.Min(settings.Threads, sources.Count);
        var spare = settings.Threads > 1 ? new SpareCores(Math.Min(settings.Threads, Environment.ProcessorCount) - threads) : SpareCores.None;
        var workers = Enumerable.Range(1, threads).Select(n => new Worker($"scan {n}", context =>
        {
            int next;
            while ((next = Interlocked.Increment(ref taken)) < order.Length)
            {
                var index = order[next];
                results[index] = FileScanner.Scan(sources[index], settings, spare, progress, context.StopToken);
            }

            // No file left for this thread: its core goes to a file still being scanned, for a second,
            // inflating thread. A serial scan stays on one thread.
            spare.Release();
        })).ToList();
        workers.ForEach(w => w.Start());
        try
        {
            await Task.WhenAll(workers.Select(w => w.JoinAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(workers).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>The hosts of every result together.</summary>
    public static HostTally Merge(IEnumerable<FileScanResult> results)
    {
        var all = new HostTally();
        foreach (var result in results)
        {
            all.Add(result.Hosts);
        }

        return all;
    }
}

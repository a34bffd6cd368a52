using System.Text.Json.Serialization;
using Threadwork.Pools;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Recipe 12.8's <c>ProcessPoolExecutor</c> form: each log scanned by <see cref="FileScanner.Scan"/> in a
/// worker process of a <see cref="ProcessPool"/> (this tool started again in worker mode), the hosts sent
/// back as JSON and merged here. The output, problem lines and exit codes are the thread form's; a file
/// whose worker dies is reported as that file's error and the other files are still scanned.
/// </summary>
internal static class RobotsProcessScan
{
    /// <summary>One log in, its <see cref="FileScanResult"/> out, in a worker process.</summary>
    public static ProcessJob<ScanRequest, ScanReply> Job { get; } = new("robots-scan", RobotsJson.Default.ScanRequest, RobotsJson.Default.ScanReply);

    /// <summary>What a worker process does with one log: <see cref="FileScanner.Scan"/>, nothing else.</summary>
    public static ScanReply ScanInWorker(ScanRequest request, CancellationToken cancellationToken)
    {
        var settings = new ScanSettings(request.RequestPath, 1, request.InflateOnly);
        var result = FileScanner.Scan(new LogSource(request.Name, request.Path, request.Length), settings, request.Overlap ? new SpareCores(1) : SpareCores.None, new ScanProgress(1, request.Length), cancellationToken);
        return new ScanReply([.. result.Hosts.Sorted().Select(h => new HostHits(h.Key, h.Value))], result.Lines, result.Malformed, result.TextBytes, result.Error);
    }

    /// <summary>Scans every source in <see cref="ScanSettings.Processes"/> worker processes; the results are in the order of <paramref name="sources"/>.</summary>
    public static async Task<IReadOnlyList<FileScanResult>> RunAsync(IReadOnlyList<LogSource> sources, ScanSettings settings, ScanProgress progress, CancellationToken cancellationToken)
    {
        var results = new FileScanResult[sources.Count];
        if (sources.Count == 0)
        {
            return results;
        }

        using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = Math.Min(settings.Processes, sources.Count), Name = "robots" });

        // Largest first, as the thread form, so a big file is not left to run alone at the end; the last
        // files, fewer than the workers, each get a second thread in their worker to inflate while it parses.
        var order = Enumerable.Range(0, sources.Count).OrderByDescending(i => sources[i].Length ?? long.MaxValue).ToArray();
        var scans = new Task<ScanReply>[sources.Count];
        for (var k = 0; k < order.Length; k++)
        {
            var source = sources[order[k]];
            var overlap = settings.Processes > 1 && order.Length - k < Math.Min(settings.Processes, Environment.ProcessorCount);
            var request = new ScanRequest(source.Name, source.Path!, source.Length, settings.Path, settings.InflateOnly, overlap);
            scans[order[k]] = pool.Submit(Job, request, cancellationToken: cancellationToken);
        }

        for (var i = 0; i < sources.Count; i++)
        {
            results[i] = await ResultOf(sources[i], scans[i]).ConfigureAwait(false);
            progress.AddBytes(sources[i].Length ?? 0);
            progress.FileDone();
        }

        await pool.ShutdownAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return results;
    }

    private static async Task<FileScanResult> ResultOf(LogSource source, Task<ScanReply> scan)
    {
        try
        {
            var reply = await scan.ConfigureAwait(false);
            var hosts = new HostTally();
            foreach (var host in reply.Hosts)
            {
                hosts.Add(host.Host, host.Hits);
            }

            return new FileScanResult(source.Name, hosts, reply.Lines, reply.Malformed, reply.TextBytes, reply.Error);
        }
        catch (Exception e) when (e is WorkerProcessDiedException or ProcessJobException or ProcessJobTimeoutException or InvalidOperationException)
        {
            return new FileScanResult(source.Name, new HostTally(), 0, 0, 0, $"not scanned: {e.Message}");
        }
    }
}

/// <summary>One log for a worker to scan, and how.</summary>
/// <param name="Name">The log's name for messages.</param>
/// <param name="Path">The file.</param>
/// <param name="Length">Its size, if known.</param>
/// <param name="RequestPath">The request path searched for, as bytes.</param>
/// <param name="InflateOnly">Only inflate and discard.</param>
/// <param name="Overlap">Inflate on a second thread while this one parses.</param>
internal sealed record ScanRequest(string Name, string Path, long? Length, byte[] RequestPath, bool InflateOnly, bool Overlap);

/// <summary>A worker's <see cref="FileScanResult"/>, the hosts as bytes (JSON carries them as base64, so no byte is lost).</summary>
/// <param name="Hosts">The hosts and their hits.</param>
/// <param name="Lines">Lines scanned.</param>
/// <param name="Malformed">Lines with fewer than seven fields.</param>
/// <param name="TextBytes">Bytes of text scanned.</param>
/// <param name="Error">Why the log could not be read to its end, or null.</param>
internal sealed record ScanReply(IReadOnlyList<HostHits> Hosts, long Lines, long Malformed, long TextBytes, string? Error);

/// <summary>One host and its hits.</summary>
/// <param name="Host">The host's bytes as the log holds them.</param>
/// <param name="Hits">How many matching requests it made.</param>
internal sealed record HostHits(byte[] Host, long Hits);

/// <summary>Source-generated JSON for the scan's job: no reflection, and fast.</summary>
[JsonSerializable(typeof(ScanRequest))]
[JsonSerializable(typeof(ScanReply))]
internal sealed partial class RobotsJson : JsonSerializerContext;

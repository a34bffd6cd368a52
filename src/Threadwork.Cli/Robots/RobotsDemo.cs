using System.Diagnostics;
using System.Text;
using Threadwork.Cli.GenLogs;

namespace Threadwork.Cli.Robots;

/// <summary>The tour's recipe 12.8: generated logs scanned serially (the recipe's <c>map</c>) and in parallel (its <c>pool.map</c>), with the same answer.</summary>
internal static class RobotsDemo
{
    /// <summary>Writes <paramref name="files"/> logs of <paramref name="lines"/> lines to a temporary folder, scans them both ways, and deletes them.</summary>
    /// <exception cref="InvalidOperationException">The two scans disagree, or disagree with what was written.</exception>
    public static async Task RunAsync(int files, int lines, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("threadwork-tour-");
        try
        {
            var generator = new LogGenerator(seed: 1, malformedRate: 0);
            var written = Enumerable.Range(0, files)
                .Select(i => generator.Write(Path.Combine(folder.FullName, $"access-{i + 1:D3}.log.gz"), i, lines, cancellationToken))
                .ToList();
            var expected = written.SelectMany(f => f.RobotsHosts).ToHashSet(StringComparer.Ordinal);
            output.WriteLine($"gen-logs: {files} files, {written.Sum(f => f.Lines):N0} lines, {written.Sum(f => f.TextBytes) / 1e6:0.0} MB of text");

            var sources = written.Select(f => LogSource.File(f.Path)).ToList();
            HostTally? first = null;
            foreach (var threads in new[] { 1, Environment.ProcessorCount })
            {
                var clock = Stopwatch.StartNew();
                var settings = new ScanSettings("/robots.txt"u8.ToArray(), threads, InflateOnly: false);
                var results = await RobotsScan.RunAsync(sources, settings, new ScanProgress(files, null), cancellationToken).ConfigureAwait(false);
                var hosts = RobotsScan.Merge(results);
                output.WriteLine($"{(threads == 1 ? "serial (map)" : $"parallel (pool.map, {threads} threads)"),-32} {hosts.Count} hosts fetched /robots.txt, in {clock.Elapsed.TotalMilliseconds:N0} ms");
                var names = hosts.Sorted().Select(h => Encoding.ASCII.GetString(h.Key)).ToList();
                if (!names.ToHashSet(StringComparer.Ordinal).SetEquals(expected) || (first is not null && first.Count != hosts.Count))
                {
                    throw new InvalidOperationException("the scans did not find the hosts the logs were written with");
                }

                if (first is null)
                {
                    output.WriteLine($"  first of them, sorted: {string.Join(", ", names.Take(4))}, ...");
                }

                first = hosts;
            }

            output.WriteLine("Both found exactly the hosts the logs were written with.");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

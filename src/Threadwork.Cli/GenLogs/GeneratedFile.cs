namespace Threadwork.Cli.GenLogs;

/// <summary>What <see cref="LogGenerator"/> wrote into one file, so a scan of it can be checked.</summary>
internal sealed record GeneratedFile(string Path, long Lines, long TextBytes, long GzipBytes, long RobotsHits, IReadOnlySet<string> RobotsHosts, long Malformed);

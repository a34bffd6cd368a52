namespace Threadwork.Cli.Robots;

/// <summary>
/// What scanning one log found: counts, the hosts, and the error as text, with no reference to the scan's
/// streams or threads, so that a scan run elsewhere (a worker process) can send it back.
/// </summary>
/// <param name="Name">The log's name as given.</param>
/// <param name="Hosts">The hosts whose request path matched, with their hits.</param>
/// <param name="Lines">Lines scanned (all of them, or those before an error).</param>
/// <param name="Malformed">Lines with fewer than seven fields, skipped.</param>
/// <param name="TextBytes">Bytes of text scanned (inflated bytes for a gzip file).</param>
/// <param name="Error">Why the log could not be read to its end, with how far it got; null if it was.</param>
internal sealed record FileScanResult(string Name, HostTally Hosts, long Lines, long Malformed, long TextBytes, string? Error)
{
    /// <summary>The file holds no bytes at all.</summary>
    public bool IsEmpty => Lines == 0 && TextBytes == 0 && Error is null;
}

namespace Threadwork.Cli.Robots;

/// <summary>How to scan.</summary>
/// <param name="Path">The request path searched for, as bytes.</param>
/// <param name="Threads">Logs scanned at once; 1 is the recipe's serial scan.</param>
/// <param name="InflateOnly">Only inflate and discard (the speed limit a scan can approach), finding nothing.</param>
internal sealed record ScanSettings(byte[] Path, int Threads, bool InflateOnly)
{
    /// <summary>Worker processes to scan in (the recipe's <c>ProcessPoolExecutor</c>); 0 to scan on threads.</summary>
    public int Processes { get; init; }
}

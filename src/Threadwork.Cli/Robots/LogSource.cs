namespace Threadwork.Cli.Robots;

/// <summary>One log to scan: a file, or standard input when <see cref="Path"/> is null.</summary>
/// <param name="Name">The name used in messages: the path as given, or "stdin".</param>
/// <param name="Path">The file, or null for standard input.</param>
/// <param name="Length">The size in bytes, if known (standard input: null).</param>
internal sealed record LogSource(string Name, string? Path, long? Length)
{
    public static LogSource StandardInput { get; } = new("stdin", null, null);

    public static LogSource File(string path) => new(path, path, new FileInfo(path).Length);

    /// <summary>Opens the raw bytes; no buffering, the readers read large blocks themselves.</summary>
    public Stream Open() => Path is null
        ? Console.OpenStandardInput()
        : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
}

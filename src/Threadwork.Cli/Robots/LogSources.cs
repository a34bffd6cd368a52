namespace Threadwork.Cli.Robots;

/// <summary>Turns the PATH arguments of <c>threadwork robots</c> into the logs to scan.</summary>
internal static class LogSources
{
    /// <summary>
    /// A file as itself, a directory as its *.log.gz and *.log files (sorted by name), "-" as standard
    /// input. Returns null and sets <paramref name="error"/> if a path does not exist or a directory holds no logs.
    /// </summary>
    public static IReadOnlyList<LogSource>? Resolve(IReadOnlyList<string> paths, out string? error)
    {
        var sources = new List<LogSource>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                sources.Add(LogSource.StandardInput);
            }
            else if (File.Exists(path))
            {
                sources.Add(LogSource.File(path));
            }
            else if (Directory.Exists(path))
            {
                var logs = Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".log.gz", StringComparison.Ordinal) || f.EndsWith(".log", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (logs.Count == 0)
                {
                    error = $"{path}: the directory holds no *.log.gz or *.log files";
                    return null;
                }

                sources.AddRange(logs.Select(LogSource.File));
            }
            else
            {
                error = $"{path}: no such file or directory";
                return null;
            }
        }

        error = null;
        return sources;
    }
}

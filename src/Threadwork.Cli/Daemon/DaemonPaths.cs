namespace Threadwork.Cli.Daemon;

/// <summary>Where the daemon keeps its pid file and log unless told otherwise: $XDG_RUNTIME_DIR (per user, cleared at logout) or /tmp.</summary>
internal static class DaemonPaths
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? runtime : "/tmp";

    public static string PidFile { get; } = Path.Combine(Folder, "threadwork-daemon.pid");

    public static string Log { get; } = Path.Combine(Folder, "threadwork-daemon.log");
}

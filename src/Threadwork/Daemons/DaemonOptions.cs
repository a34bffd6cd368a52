namespace Threadwork.Daemons;

/// <summary>How a daemon detaches and where it keeps its pid file and output.</summary>
public sealed class DaemonOptions
{
    /// <summary>The pid file, held locked for the daemon's whole life; its folder must exist.</summary>
    public required string PidFilePath { get; init; }

    /// <summary>Where a detached daemon's standard output is appended; <see langword="null"/> means /dev/null. A foreground daemon keeps its own.</summary>
    public string? StandardOutputPath { get; init; }

    /// <summary>Where a detached daemon's standard error is appended; <see langword="null"/> means the same file as standard output.</summary>
    public string? StandardErrorPath { get; init; }

    /// <summary>The detached daemon's working directory; "/" by default, so it keeps no mount busy.</summary>
    public string WorkingDirectory { get; init; } = "/";

    /// <summary>The file-creation mask; 022 by default (group and others may read, never write).</summary>
    public UnixFileMode Umask { get; init; } = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>How long the starting process waits for the daemon to report ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

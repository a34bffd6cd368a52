namespace Threadwork.Daemons;

/// <summary>What a pid file says about its daemon, as <see cref="PidFile.Probe"/> finds it.</summary>
public enum PidFileState
{
    /// <summary>No pid file, or an empty one nobody holds: the daemon is not running (LSB status 3).</summary>
    NotRunning,

    /// <summary>A process holds the pid file's lock: the daemon is running (LSB status 0).</summary>
    Running,

    /// <summary>The file names a process but nobody holds its lock: the daemon died without cleaning up (LSB status 1).</summary>
    Stale,
}

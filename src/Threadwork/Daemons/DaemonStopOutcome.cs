namespace Threadwork.Daemons;

/// <summary>How <see cref="DaemonControl.StopAsync"/> ended.</summary>
public enum DaemonStopOutcome
{
    /// <summary>Nobody held the pid file: there was nothing to stop.</summary>
    NotRunning,

    /// <summary>The daemon stopped after SIGTERM and released its pid file.</summary>
    Stopped,

    /// <summary>The daemon did not stop in time after SIGTERM and was killed with SIGKILL.</summary>
    Killed,

    /// <summary>The daemon still holds its pid file after the timeout (SIGKILL was not asked for).</summary>
    StillRunning,
}

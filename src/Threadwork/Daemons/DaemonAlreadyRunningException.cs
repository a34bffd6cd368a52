namespace Threadwork.Daemons;

/// <summary>Thrown when a pid file is already locked by a running daemon.</summary>
public sealed class DaemonAlreadyRunningException : Exception
{
    /// <summary>Creates the exception for the daemon that holds the lock.</summary>
    /// <param name="processId">The pid read from the file, or <see langword="null"/> when the holder had not written it yet.</param>
    public DaemonAlreadyRunningException(int? processId)
        : base(processId is { } pid ? $"already running (pid {pid})" : "already running")
    {
        ProcessId = processId;
    }

    /// <summary>Creates the exception with no pid.</summary>
    public DaemonAlreadyRunningException()
        : this((int?)null)
    {
    }

    /// <summary>Creates the exception with a message of your own.</summary>
    /// <param name="message">What happened.</param>
    public DaemonAlreadyRunningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public DaemonAlreadyRunningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The running daemon's pid, when the file held one.</summary>
    public int? ProcessId { get; }
}

namespace Threadwork.Pools;

/// <summary>
/// The worker process running a job ended before the job did: it was killed (SIGKILL), crashed, called
/// <see cref="Environment.FailFast(string)"/> or exited. The pool has already started a replacement.
/// </summary>
public sealed class WorkerProcessDiedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkerProcessDiedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public WorkerProcessDiedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WorkerProcessDiedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WorkerProcessDiedException(string message, string? jobName, int workerProcessId, int? exitCode, int attempts, string standardErrorTail)
        : base(message)
    {
        JobName = jobName;
        WorkerProcessId = workerProcessId;
        ExitCode = exitCode;
        Attempts = attempts;
        StandardErrorTail = standardErrorTail;
    }

    /// <summary>The job that was running, or null if the worker died before it was ready.</summary>
    public string? JobName { get; }

    /// <summary>The process id of the worker that died.</summary>
    public int WorkerProcessId { get; }

    /// <summary>Its exit code (on Unix, 128 + the signal number when a signal ended it), or null if it could not be read.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that ended the worker, from the exit code (Unix only), or null.</summary>
    public int? Signal => ExitCode is > 128 and < 128 + 65 && !OperatingSystem.IsWindows() ? ExitCode - 128 : null;

    /// <summary>How many times the job ran (each in a worker that died); more than 1 when the pool retried it.</summary>
    public int Attempts { get; }

    /// <summary>The last lines the worker wrote to standard error before it died (a crash or FailFast message), or empty.</summary>
    public string StandardErrorTail { get; } = string.Empty;
}

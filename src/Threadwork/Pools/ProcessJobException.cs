namespace Threadwork.Pools;

/// <summary>
/// A job threw in its worker process. The exception itself stayed there (it may not even be a type the
/// parent knows); its type name, message and stack text came back and are kept here. The worker lives on.
/// </summary>
public sealed class ProcessJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessJobException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ProcessJobException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ProcessJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ProcessJobException(string jobName, int workerProcessId, string remoteType, string remoteMessage, string? remoteStackTrace)
        : base($"Job '{jobName}' failed in worker process {workerProcessId}: {remoteType}: {remoteMessage}")
    {
        JobName = jobName;
        WorkerProcessId = workerProcessId;
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The job that threw.</summary>
    public string? JobName { get; }

    /// <summary>The process id of the worker it ran in.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The full name of the exception's type in the worker, e.g. <c>System.InvalidOperationException</c>.</summary>
    public string? RemoteType { get; }

    /// <summary>The exception's message in the worker.</summary>
    public string? RemoteMessage { get; }

    /// <summary>The exception's stack trace in the worker (inner exceptions included), or null if it had none.</summary>
    public string? RemoteStackTrace { get; }

    /// <summary>The message, the worker's stack text, then this exception's own stack in the parent.</summary>
    /// <returns>The exception as text.</returns>
    public override string ToString() =>
        RemoteStackTrace is null ? base.ToString() : $"{base.ToString()}{Environment.NewLine}--- stack in worker process {WorkerProcessId} ---{Environment.NewLine}{RemoteStackTrace}";
}

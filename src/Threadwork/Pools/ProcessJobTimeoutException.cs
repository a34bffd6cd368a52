namespace Threadwork.Pools;

/// <summary>A job ran past its timeout; its worker process was killed (a job cannot be stopped otherwise) and replaced.</summary>
public sealed class ProcessJobTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public ProcessJobTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public ProcessJobTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ProcessJobTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ProcessJobTimeoutException(string jobName, int workerProcessId, TimeSpan timeout)
        : base($"Job '{jobName}' ran past its timeout of {timeout.TotalMilliseconds:0.###} ms; worker process {workerProcessId} was killed and replaced.")
    {
        JobName = jobName;
        WorkerProcessId = workerProcessId;
        Timeout = timeout;
    }

    /// <summary>The job that ran too long.</summary>
    public string? JobName { get; }

    /// <summary>The process id of the worker that was killed.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The timeout the job had.</summary>
    public TimeSpan Timeout { get; }
}

namespace Threadwork.Pools;

/// <summary>A job waiting in, or taken from, a <see cref="WorkerPool"/>'s queue.</summary>
internal interface IPoolJob
{
    /// <summary>Runs the job unless it was cancelled first; never throws (a failure faults the job's task).</summary>
    /// <param name="stopToken">The pool's stop-now token, handed to the job.</param>
    void Run(CancellationToken stopToken);

    /// <summary>Cancels the job's task if the job has not started; returns false if it already started or ended.</summary>
    bool TryCancel();
}

namespace Threadwork.Actors;

/// <summary>
/// The recipe's worker actor: a thread of its own runs submitted functions one at a time, in order, and
/// each submit returns the function's result (or its failure) as a task. A failing function does not
/// stop the worker. Created with <see cref="Actor.StartWorker(string?)"/>.
/// </summary>
/// <example>
/// <code>
/// var worker = Actor.StartWorker("adder");
/// int sum = await worker.Submit(() =&gt; 2 + 3 * 2);   // 8
/// worker.Close();
/// </code>
/// </example>
public sealed class WorkerActor
{
    /// <summary>The loop actor that runs the jobs.</summary>
    private readonly LoopActor<Action> _loop;

    internal WorkerActor(LoopActor<Action> loop) => _loop = loop;

    /// <summary>The worker's name, also its thread's name.</summary>
    public string Name => _loop.Name;

    /// <summary>Completes when the worker's thread has finished.</summary>
    public Task Completion => _loop.Completion;

    /// <summary>Queues a function; the task completes with its result or faults with its exception.</summary>
    /// <typeparam name="TResult">The function's result type.</typeparam>
    /// <param name="function">The function.</param>
    /// <returns>The result; faults with <see cref="InvalidOperationException"/> if the worker is closed (the job is a dead letter).</returns>
    public Task<TResult> Submit<TResult>(Func<TResult> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var result = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _loop.Post(() =>
        {
            try
            {
                result.TrySetResult(function());
            }
#pragma warning disable CA1031 // The failure belongs to the submitter's task; the worker goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                result.TrySetException(e);
            }
        }, CancellationToken.None);
        if (!queued)
        {
            result.TrySetException(new InvalidOperationException($"Worker '{Name}' is closed; the function was not run."));
        }

        return result.Task;
    }

    /// <summary>Stops accepting functions; those queued still run, then the thread ends.</summary>
    public void Close() => _loop.Close();

    /// <summary>Waits until the worker's thread has finished.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="false"/> if it is still running.</returns>
    public bool Join(TimeSpan timeout, CancellationToken cancellationToken = default) => _loop.Join(timeout, cancellationToken);
}

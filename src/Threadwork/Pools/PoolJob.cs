namespace Threadwork.Pools;

/// <summary>
/// A submitted function and the task of its result. It is its own <see cref="TaskCompletionSource{TResult}"/>,
/// so a submit allocates the job and nothing else (plus a registration when the submitter's token can cancel).
/// </summary>
/// <typeparam name="TResult">The function's result.</typeparam>
internal sealed class PoolJob<TResult>(Func<CancellationToken, TResult> body)
    : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), IPoolJob
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    /// <summary>Queued, then Started (by a pool thread) or Cancelled (by the submitter's token or a shutdown), whichever wins the exchange.</summary>
    private int _state;

    /// <summary>The submitter's token registration, disposed once the job no longer needs it.</summary>
    private JobRegistration _registration;

    public void Run(CancellationToken stopToken)
    {
        if (Interlocked.CompareExchange(ref _state, Started, Queued) != Queued)
        {
            return;
        }

        DetachRegistration();
        try
        {
            TrySetResult(body(stopToken));
        }
        catch (OperationCanceledException e) when (e.CancellationToken == stopToken && stopToken.IsCancellationRequested)
        {
            TrySetCanceled(stopToken);
        }
#pragma warning disable CA1031 // The job's failure belongs to its task: it must never end the pool thread.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TrySetException(e);
        }
    }

    public bool TryCancel()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) != Queued)
        {
            return false;
        }

        DetachRegistration();
        TrySetCanceled();
        return true;
    }

    /// <summary>Keeps the submitter's registration until the job no longer needs it; disposes it at once if that already happened.</summary>
    public void AttachRegistration(CancellationTokenRegistration registration) => _registration.Attach(registration);

    private void DetachRegistration() => _registration.Detach();
}

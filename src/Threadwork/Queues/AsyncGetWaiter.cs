using System.Threading.Tasks.Sources;

namespace Threadwork.Queues;

/// <summary>
/// An async caller waiting in <see cref="WorkQueue{T}.GetAsync(CancellationToken)"/>: a reusable
/// <see cref="IValueTaskSource{TResult}"/> that the queue keeps one spare of, so a steady stream of
/// async gets allocates little.
/// </summary>
internal sealed class AsyncGetWaiter<T> : IQueueWaiter<T>, IValueTaskSource<T>
{
    /// <summary>The queue this waiter belongs to: withdrawn from on cancellation, returned to after use.</summary>
    private readonly WorkQueue<T> _queue;

    /// <summary>The result and continuation; continuations always run asynchronously, never on the putter's thread.</summary>
    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>0 while armed, 1 once claimed; the CAS that makes delivery and cancellation exclusive.</summary>
    private int _claimed;

    /// <summary>The caller's token, for the cancellation exception.</summary>
    private CancellationToken _cancellationToken;

    /// <summary>The token callback; disposed (waiting for a running callback) before the waiter is reused.</summary>
    private CancellationTokenRegistration _registration;

    public AsyncGetWaiter(WorkQueue<T> queue) => _queue = queue;

    /// <summary>Makes the waiter ready to be registered.</summary>
    public void Arm() => _claimed = 0;

    /// <summary>Starts observing <paramref name="cancellationToken"/> and returns the task the caller awaits.</summary>
    public ValueTask<T> WaitAsync(CancellationToken cancellationToken)
    {
        var version = _core.Version;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellationToken = cancellationToken;

            // Registered after the waiter is on the queue's list (never under the queue's lock): a
            // token already cancelled runs the callback here, which withdraws the waiter.
            _registration = cancellationToken.UnsafeRegister(static state => ((AsyncGetWaiter<T>)state!).Cancel(), this);
        }

        return new ValueTask<T>(this, version);
    }

    public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    public void Deliver(T item) => _core.SetResult(item);

    public void DeliverClosed(Exception? error) => _core.SetException(_queue.ClosedForGet(error));

    public T GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
            _cancellationToken = default;
            _core.Reset();
            _queue.ReturnSpare(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel()
    {
        // Losing the claim means a put (or close) won it and its delivery is on its way: the item is
        // returned to the caller, not dropped.
        if (TryClaim())
        {
            _queue.Withdraw(this);
            _core.SetException(new OperationCanceledException(_cancellationToken));
        }
    }
}

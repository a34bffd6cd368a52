using System.Threading.Tasks.Sources;

namespace Threadwork.Queues;

/// <summary>
/// An async caller waiting in <see cref="WorkQueue{T}.PutAsync(T, CancellationToken)"/> on a full
/// queue: a reusable <see cref="IValueTaskSource"/> that the queue keeps one spare of.
/// </summary>
internal sealed class AsyncPutWaiter<T> : PutWaiter<T>, IValueTaskSource
{
    /// <summary>The queue this waiter belongs to: withdrawn from on cancellation, returned to after use.</summary>
    private readonly WorkQueue<T> _queue;

    /// <summary>The outcome and continuation; continuations always run asynchronously, never on the consumer's thread.</summary>
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>The caller's token, for the cancellation exception.</summary>
    private CancellationToken _cancellationToken;

    /// <summary>The token callback; disposed (waiting for a running callback) before the waiter is reused.</summary>
    private CancellationTokenRegistration _registration;

    public AsyncPutWaiter(WorkQueue<T> queue) => _queue = queue;

    /// <summary>Makes the waiter ready to be registered with <paramref name="item"/>.</summary>
    public void Prepare(T item, int priority) => Arm(item, priority);

    /// <summary>Starts observing <paramref name="cancellationToken"/> and returns the task the caller awaits.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var version = _core.Version;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellationToken = cancellationToken;

            // Registered after the waiter is on the queue's list (never under the queue's lock): a
            // token already cancelled runs the callback here, which withdraws the waiter.
            _registration = cancellationToken.UnsafeRegister(static state => ((AsyncPutWaiter<T>)state!).Cancel(), this);
        }

        return new ValueTask(this, version);
    }

    public override void Admit() => _core.SetResult(true);

    public override void Reject(QueueClosedException closed) => _core.SetException(closed);

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
            _cancellationToken = default;
            ClearItem();
            _core.Reset();
            _queue.ReturnSpare(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel()
    {
        // Losing the claim means a consumer admitted the item (or close rejected it) at the same
        // moment: that outcome stands, so an admitted item is never both put and reported cancelled.
        if (TryClaim())
        {
            _queue.Withdraw(this);
            _core.SetException(new OperationCanceledException(_cancellationToken));
        }
    }
}

namespace Threadwork.Queues;

/// <summary>
/// A thread blocked in a put on a full <see cref="WorkQueue{T}"/>. One per thread and item type,
/// re-armed for each wait, so a blocking put allocates nothing in steady state.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "One per thread, kept for the thread's life; the event's kernel handle, if it ever blocked, is released by its finalizer.")]
internal sealed class SyncPutWaiter<T> : PutWaiter<T>
{
    /// <summary>This thread's idle waiter; taken while in use.</summary>
    [ThreadStatic]
    private static SyncPutWaiter<T>? t_idle;

    /// <summary>Set when the item was admitted or rejected; spins briefly before blocking.</summary>
    private readonly ManualResetEventSlim _done = new();

    /// <summary>Set by <see cref="Reject"/> before <see cref="_done"/> is set; null if admitted.</summary>
    private QueueClosedException? _rejection;

    /// <summary>Why the item was not put, once done; null if it was admitted.</summary>
    public QueueClosedException? Rejection => _rejection;

    /// <summary>Takes this thread's idle waiter (or a new one), armed with <paramref name="item"/>.</summary>
    public static SyncPutWaiter<T> Rent(T item, int priority)
    {
        var waiter = t_idle ?? new SyncPutWaiter<T>();
        t_idle = null;
        waiter._done.Reset();
        waiter._rejection = null;
        waiter.Arm(item, priority);
        return waiter;
    }

    /// <summary>Gives the waiter back to this thread; only once no queue can reach it.</summary>
    public void Return()
    {
        ClearItem();
        _rejection = null;
        t_idle = this;
    }

    public override void Admit() => _done.Set();

    public override void Reject(QueueClosedException closed)
    {
        _rejection = closed;
        _done.Set();
    }

    /// <summary>Waits for admission or rejection; false on timeout; throws on cancellation (the caller then tries to claim).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken) => _done.Wait(millisecondsTimeout, cancellationToken);

    /// <summary>Waits, uncancellably, for an outcome that a queue has claimed and is about to report.</summary>
    public void WaitForClaimedOutcome() => _done.Wait();
}

namespace Threadwork.Queues;

/// <summary>
/// A thread blocked in a <see cref="WorkQueue{T}"/> get. One per thread and item type, re-armed for
/// each wait, so a blocking get allocates nothing in steady state.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "One per thread, kept for the thread's life; the event's kernel handle, if it ever blocked, is released by its finalizer.")]
internal sealed class SyncGetWaiter<T> : IQueueWaiter<T>
{
    /// <summary>This thread's idle waiter; taken while in use so a nested wait gets its own.</summary>
    [ThreadStatic]
    private static SyncGetWaiter<T>? t_idle;

    /// <summary>Set by the delivery; spins briefly before blocking.</summary>
    private readonly ManualResetEventSlim _delivered = new();

    /// <summary>0 while armed, 1 once claimed; the CAS that makes delivery and cancellation exclusive.</summary>
    private int _claimed;

    /// <summary>The delivered item; written before <see cref="_delivered"/> is set, read after.</summary>
    private T? _item;

    /// <summary>True if the delivery was the closed signal rather than an item.</summary>
    private bool _closed;

    /// <summary>The close error that came with the closed signal.</summary>
    private Exception? _closeError;

    /// <summary>The delivered item, once <see cref="Wait"/> returned true and <see cref="IsClosed"/> is false.</summary>
    public T Item => _item!;

    /// <summary>True if the queue was closed and drained instead of delivering an item.</summary>
    public bool IsClosed => _closed;

    /// <summary>The close error, if <see cref="IsClosed"/>.</summary>
    public Exception? CloseError => _closeError;

    /// <summary>Takes this thread's idle waiter (or a new one), armed.</summary>
    public static SyncGetWaiter<T> Rent()
    {
        var waiter = t_idle ?? new SyncGetWaiter<T>();
        t_idle = null;
        waiter._claimed = 0;
        waiter._delivered.Reset();
        return waiter;
    }

    /// <summary>Gives the waiter back to this thread; only once no queue can reach it.</summary>
    public void Return()
    {
        _item = default;
        _closeError = null;
        _closed = false;
        t_idle = this;
    }

    public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    public void Deliver(T item)
    {
        _item = item;
        _delivered.Set();
    }

    public void DeliverClosed(Exception? error)
    {
        _closeError = error;
        _closed = true;
        _delivered.Set();
    }

    /// <summary>Waits for a delivery; false on timeout; throws on cancellation (the caller then tries to claim).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken) =>
        _delivered.Wait(millisecondsTimeout, cancellationToken);

    /// <summary>Waits, uncancellably, for a delivery that a queue has claimed and is about to make.</summary>
    public void WaitForClaimedDelivery() => _delivered.Wait();
}

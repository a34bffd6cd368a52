namespace Threadwork.Queues;

/// <summary>
/// A producer blocked on a full bounded queue. It holds its item: a consumer that frees a slot
/// claims the longest-waiting producer and moves its item into the queue under the lock, so the
/// producer never has to retry and order among producers is kept.
/// </summary>
internal abstract class PutWaiter<T>
{
    /// <summary>0 while armed, 1 once claimed; the CAS that makes admission, closing and cancellation exclusive.</summary>
    private int _claimed;

    /// <summary>The item waiting to enter the queue.</summary>
    public T Item { get; private set; } = default!;

    /// <summary>The item's priority (ignored by first-in-first-out queues).</summary>
    public int Priority { get; private set; }

    /// <summary>Tries to take the right to complete this waiter; true to exactly one caller per arming.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    /// <summary>Tells the producer its item is in the queue. Called once after a successful claim, outside the lock.</summary>
    public abstract void Admit();

    /// <summary>Tells the producer the queue was closed and its item was not put. Called once after a successful claim, outside the lock.</summary>
    public abstract void Reject(QueueClosedException closed);

    /// <summary>Makes the waiter ready to be registered with <paramref name="item"/>.</summary>
    protected void Arm(T item, int priority)
    {
        _claimed = 0;
        Item = item;
        Priority = priority;
    }

    /// <summary>Forgets the item so the waiter does not keep it alive while idle.</summary>
    protected void ClearItem() => Item = default!;
}

namespace Threadwork.Queues;

/// <summary>
/// A consumer waiting for one item, as a queue sees it. The seam that lets one wait span several
/// queues (Select) without losing or duplicating an item.
/// </summary>
/// <remarks>
/// <para>Protocol. The waiter's owner arms it, then registers it on one or more queues with
/// <see cref="WorkQueue{T}.TryTakeOrRegister"/>. A queue that has an item (or is closed and drained)
/// calls <see cref="TryClaim"/> under its lock; only if that returns <see langword="true"/> does it
/// remove the item from its storage and, outside its lock, call exactly one of
/// <see cref="Deliver"/> or <see cref="DeliverClosed"/>. A queue whose claim fails drops the waiter
/// from its list and offers the item to the next waiter (or stores it): the item is never lost.</para>
/// <para>The owner cancels by calling <see cref="TryClaim"/> itself: if it wins, no queue will deliver,
/// and it must withdraw the waiter with <see cref="WorkQueue{T}.Withdraw(IQueueWaiter{T})"/> from every queue it was
/// registered on before it re-arms or drops it. If it loses, a delivery is on its way and it must wait
/// for it. A waiter registered on several queues is therefore claimed exactly once.</para>
/// </remarks>
internal interface IQueueWaiter<T>
{
    /// <summary>
    /// Tries to take the right to complete this waiter. Returns <see langword="true"/> to exactly one
    /// caller per arming, across every queue it is registered on and its owner's cancellation.
    /// </summary>
    bool TryClaim();

    /// <summary>Hands over the item. Called once, after a successful <see cref="TryClaim"/>, outside any queue lock.</summary>
    void Deliver(T item);

    /// <summary>
    /// Tells the waiter that the queue is closed and drained. <paramref name="error"/> is the exception
    /// given to <see cref="WorkQueue{T}.Close(Exception)"/>, or null. Called once, after a successful
    /// <see cref="TryClaim"/>, outside any queue lock.
    /// </summary>
    void DeliverClosed(Exception? error);
}

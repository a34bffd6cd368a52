namespace Threadwork.Queues;

/// <summary>
/// Where a <see cref="WorkQueue{T}"/> keeps the items nobody is waiting for; it decides the order in
/// which they come out. Not thread-safe unless a subclass says so: the queue calls it under its lock.
/// </summary>
internal abstract class QueueStorage<T>
{
    /// <summary>Items stored.</summary>
    public abstract int Count { get; }

    /// <summary>Stores an item; <paramref name="priority"/> matters only to storages that order by it.</summary>
    public abstract void Add(T item, int priority);

    /// <summary>Removes and returns the next item. The caller has checked <see cref="Count"/> is positive.</summary>
    public abstract T Take();

    /// <summary>Removes and returns the next item, if there is one.</summary>
    public virtual bool TryTake(out T item)
    {
        if (Count == 0)
        {
            item = default!;
            return false;
        }

        item = Take();
        return true;
    }

    /// <summary>
    /// Sets the next item aside for the caller, who then either takes it with <see cref="TakeReserved"/>
    /// or gives it back with <see cref="CancelReservation"/>. False if there is none.
    /// </summary>
    /// <remarks>Under the queue's lock nothing else takes from a lock-only storage, so having an item is reservation enough.</remarks>
    public virtual bool TryReserve() => Count > 0;

    /// <summary>Takes the item set aside by a successful <see cref="TryReserve"/>.</summary>
    public virtual T TakeReserved() => Take();

    /// <summary>Gives back the item set aside by a successful <see cref="TryReserve"/>; it stays next in line.</summary>
    public virtual void CancelReservation()
    {
    }

    /// <summary>
    /// Returns once every item reserved by a taker has left the storage. The queue calls it before it
    /// hands a new item straight to a waiting consumer, so that item cannot overtake older ones.
    /// </summary>
    public virtual void AwaitReservedTakes()
    {
    }
}

namespace Threadwork.Queues;

/// <summary>
/// Where a <see cref="WorkQueue{T}"/> keeps the items nobody is waiting for; it decides the order in
/// which they come out. Not thread-safe: the queue calls it under its lock.
/// </summary>
internal abstract class QueueStorage<T>
{
    /// <summary>Items stored.</summary>
    public abstract int Count { get; }

    /// <summary>Stores an item; <paramref name="priority"/> matters only to storages that order by it.</summary>
    public abstract void Add(T item, int priority);

    /// <summary>Removes and returns the next item. The caller has checked <see cref="Count"/> is positive.</summary>
    public abstract T Take();
}

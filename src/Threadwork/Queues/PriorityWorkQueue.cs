using System.Diagnostics.CodeAnalysis;

namespace Threadwork.Queues;

/// <summary>
/// A <see cref="WorkQueue{T}"/> that delivers the highest priority first, and items of equal priority
/// in the order they were put (recipe 12.3's <c>(-priority, count, item)</c> heap, made stable by
/// construction). Everything else — waiting, close, task-done/join, async — is the work queue's.
/// </summary>
/// <remarks>
/// The inherited puts without a priority use priority 0. On a bounded queue, a producer waiting for
/// room enters in arrival order; its priority counts once it is in.
/// </remarks>
/// <typeparam name="T">The type of the items.</typeparam>
/// <example>
/// <code>
/// var queue = new PriorityWorkQueue&lt;string&gt;();
/// queue.Put("low", priority: 1);
/// queue.Put("high", priority: 5);
/// queue.Put("also high", priority: 5);
/// queue.Get();  // "high", then "also high", then "low"
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a queue; the name says so, as Python's queue.PriorityQueue does.")]
public sealed class PriorityWorkQueue<T> : WorkQueue<T>
{
    /// <summary>Creates an unbounded priority queue: puts never wait.</summary>
    /// <param name="name">Shown in every error about this queue; optional.</param>
    public PriorityWorkQueue(string? name = null)
        : base(name, null, new PriorityStorage<T>())
    {
    }

    /// <summary>Creates a bounded priority queue: a put waits while <paramref name="capacity"/> items are queued.</summary>
    /// <param name="capacity">Most items held at once; at least 1.</param>
    /// <param name="name">Shown in every error about this queue; optional.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public PriorityWorkQueue(int capacity, string? name = null)
        : base(name, capacity, new PriorityStorage<T>())
    {
    }

    /// <summary>Puts an item with a priority (higher comes out first), waiting while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    public void Put(T item, int priority, CancellationToken cancellationToken = default) =>
        PutCore(item, priority, Timeout.Infinite, cancellationToken);

    /// <summary>Puts an item with a priority, waiting at most <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <exception cref="TimeoutException">No room within <paramref name="timeout"/>; the item was not put.</exception>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public void Put(T item, int priority, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PutCore(item, priority, ToMilliseconds(timeout), cancellationToken);

    /// <summary>Puts an item with a priority if there is room now; never waits.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <returns><see langword="true"/> if the item was put; <see langword="false"/> if a bounded queue is full.</returns>
    /// <exception cref="QueueClosedException">The queue is closed; the item was not put.</exception>
    public bool TryPut(T item, int priority) => TryPutCore(item, priority, 0, default);

    /// <summary>Puts an item with a priority, waiting at most <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <param name="timeout">How long to wait for room; zero does not wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns><see langword="true"/> if the item was put; <see langword="false"/> if there was no room in time.</returns>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public bool TryPut(T item, int priority, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryPutCore(item, priority, ToMilliseconds(timeout), cancellationToken);

    /// <summary>Puts an item with a priority, waiting asynchronously while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns>Completes when the item is in the queue; faults with <see cref="QueueClosedException"/> if the queue is or becomes closed first.</returns>
    public ValueTask PutAsync(T item, int priority, CancellationToken cancellationToken = default) =>
        PutAsyncCore(item, priority, cancellationToken);

    /// <summary>Puts an item with a priority, waiting asynchronously at most <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="priority">Higher values are delivered first; equal values in the order put.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns>Completes when the item is in the queue; faults with <see cref="TimeoutException"/> if there was no room in time, or <see cref="QueueClosedException"/> if the queue is or becomes closed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public ValueTask PutAsync(T item, int priority, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PutAsyncCore(item, priority, ToMilliseconds(timeout), cancellationToken);
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Queues;

/// <summary>
/// First in, first out, for an unbounded <see cref="WorkQueue{T}"/>: items are added under the queue's
/// lock but may be taken without it, so a consumer that finds an item never meets the producer on the
/// lock (the design of <c>Channel.CreateUnbounded</c>).
/// </summary>
/// <remarks>
/// <para>A taker first reserves an item by decrementing <see cref="Count"/> (never below zero), then
/// dequeues it. <see cref="Add"/> enqueues before it increments, so a reservation always has an item
/// behind it and the dequeue that follows cannot find the queue empty.</para>
/// <para>Because adds happen only under the queue's lock, a count of zero read under the lock stays
/// zero until the lock is released: that is what lets the queue register a waiter without a lost
/// wake-up, and close wake its waiters only when no item is left.</para>
/// </remarks>
internal sealed class ConcurrentFifoStorage<T> : QueueStorage<T>
{
    /// <summary>The items, reserved or not; dequeued only by a caller holding a reservation.</summary>
    private readonly ConcurrentQueue<T> _items = new();

    /// <summary>Items in <see cref="_items"/> not reserved by a taker; changed only with interlocked operations.</summary>
    private int _available;

    /// <summary>Items stored and not reserved by a taker.</summary>
    public override int Count => Volatile.Read(ref _available);

    /// <summary>Stores an item. Called under the queue's lock only (one adder at a time).</summary>
    public override void Add(T item, int priority)
    {
        _items.Enqueue(item);

        // After the enqueue: whoever reserves this count finds the item in the queue.
        Interlocked.Increment(ref _available);
    }

    public override T Take()
    {
        if (!TryReserve())
        {
            throw new InvalidOperationException("Take on empty storage.");
        }

        return TakeReserved();
    }

    /// <summary>Removes and returns the next item, if there is one; safe without the queue's lock.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool TryTake(out T item)
    {
        if (!TryReserve())
        {
            item = default!;
            return false;
        }

        item = TakeReserved();
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool TryReserve()
    {
        var available = Volatile.Read(ref _available);
        while (available > 0)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - 1, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    public override T TakeReserved()
    {
        // Reservations never outnumber completed enqueues, and only reservation holders dequeue, so
        // the queue holds at least one item for every outstanding reservation.
        if (!_items.TryDequeue(out var item))
        {
            throw new UnreachableException("A reserved item was missing from the queue.");
        }

        return item;
    }

    /// <summary>
    /// Spins until the takers holding reservations have dequeued. Called under the queue's lock with
    /// <see cref="Count"/> at zero, so no reservation can start or be given back meanwhile, and each
    /// one outstanding is a lock-free taker a few instructions from its dequeue.
    /// </summary>
    /// <remarks>
    /// Without it, a consumer handed a new item directly could then dequeue an older item still in the
    /// queue (reserved by a slower consumer whose dequeue had not happened yet) and see one producer's
    /// items out of order.
    /// </remarks>
    public override void AwaitReservedTakes()
    {
        Debug.Assert(Count == 0, "a waiting consumer while items were available");
        if (_items.IsEmpty)
        {
            return;
        }

        var spinner = default(SpinWait);
        while (!_items.IsEmpty)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Gives back a reserved item; it was never dequeued, so it is still first in line.</summary>
    public override void CancelReservation()
    {
        Debug.Assert(!_items.IsEmpty, "a reservation without an item");
        Interlocked.Increment(ref _available);
    }
}

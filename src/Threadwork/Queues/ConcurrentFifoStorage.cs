using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Threadwork.Queues;

/// <summary>
/// First in, first out, for an unbounded <see cref="WorkQueue{T}"/>: items are added under the queue's
/// lock but may be taken without it, so a consumer that finds an item never meets the producer on the
/// lock (the design of <c>Channel.CreateUnbounded</c>).
/// </summary>
/// <remarks>
/// <para>A taker first reserves an item by advancing a count of reservations, never past the count of
/// items added, then dequeues it. <see cref="Add"/> enqueues before it publishes the new count, so a
/// reservation always has an item behind it and the dequeue that follows cannot find the queue empty.</para>
/// <para>The two counts live on separate cache lines, and takers remember the last count of items they
/// read: while the producer is ahead, a take touches only the takers' line and the producer never
/// writes a line the takers write (one shared counter, written by both sides, cost more than the lock
/// it replaced).</para>
/// <para>Because adds happen only under the queue's lock, a count of zero read under the lock stays
/// zero until the lock is released: that is what lets the queue register a waiter without a lost
/// wake-up, and close wake its waiters only when no item is left.</para>
/// </remarks>
internal sealed class ConcurrentFifoStorage<T> : QueueStorage<T>
{
    /// <summary>The items, reserved or not; dequeued only by a caller holding a reservation.</summary>
    private readonly ConcurrentQueue<T> _items = new();

    /// <summary>The counts, each on its own cache line.</summary>
    private ReservationCounts _counts;

    /// <summary>Items stored and not reserved by a taker.</summary>
    public override int Count
    {
        get
        {
            // Exact under the queue's lock, where nothing is added or given back: lock-free takers can
            // only lower it meanwhile. Without the lock it is a moment-to-moment estimate.
            var reserved = Volatile.Read(ref _counts.Reserved);
            return (int)(Volatile.Read(ref _counts.Added) - reserved);
        }
    }

    /// <summary>Stores an item. Called under the queue's lock only (one adder at a time).</summary>
    public override void Add(T item, int priority)
    {
        _items.Enqueue(item);

        // Published after the enqueue (a release write): whoever reserves this item finds it queued.
        Volatile.Write(ref _counts.Added, _counts.Added + 1);
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
        var reserved = Volatile.Read(ref _counts.Reserved);
        var added = Volatile.Read(ref _counts.AddedSeen);
        while (true)
        {
            if (reserved >= added)
            {
                // The remembered count may be stale; only the producer's line has the truth.
                added = Volatile.Read(ref _counts.Added);
                if (reserved >= added)
                {
                    return false;
                }

                // Racing takers may store an older count over a newer one; any count read is a lower
                // bound of the true one, which only grows, so a stale value is slow, never wrong.
                Volatile.Write(ref _counts.AddedSeen, added);
            }

            var seen = Interlocked.CompareExchange(ref _counts.Reserved, reserved + 1, reserved);
            if (seen == reserved)
            {
                return true;
            }

            reserved = seen;
        }
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
        Interlocked.Decrement(ref _counts.Reserved);
    }
}

/// <summary>The counts, padded apart so that the producer and the takers do not share a cache line.</summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine)]
internal struct ReservationCounts
{
    /// <summary>Items ever added; written only by the adder (under the queue's lock).</summary>
    [FieldOffset(CacheLine)]
    public long Added;

    /// <summary>Reservations ever made, less those given back; changed only with interlocked operations.</summary>
    [FieldOffset(2 * CacheLine)]
    public long Reserved;

    /// <summary>A recent value of <see cref="Added"/>, kept on the takers' line so they seldom read the adder's.</summary>
    [FieldOffset((2 * CacheLine) + sizeof(long))]
    public long AddedSeen;

    /// <summary>Padding unit: two 64-byte lines, as adjacent lines are prefetched together.</summary>
    private const int CacheLine = 128;
}

using System.Runtime.CompilerServices;

namespace Threadwork.Actors;

/// <summary>
/// An unbounded multi-producer, single-consumer FIFO queue of fixed-size segments: a push is one
/// atomic add (it reserves a slot) and two stores (the message, then the slot's ready flag); a pop takes
/// no lock. Segments are never reused, so no producer can write into a segment the consumer has left.
/// </summary>
/// <remarks>
/// <para>No per-message object: a backlog is a few arrays for the collector, not a chain of nodes that a
/// collection promotes one by one. An idle mailbox has no segment at all; the first push makes a small one,
/// and each later segment is twice the size of the last, up to <see cref="MaxSegmentLength"/>, so an
/// actor that gets one message costs one small array and a busy one allocates once per thousand messages.</para>
/// <para>Per-producer order holds: a producer's reservations come from atomic adds on one segment's counter,
/// or on a later segment's (the tail only moves forward), and the consumer reads slots in that order.</para>
/// <para>Between a producer's reservation and its ready flag <see cref="TryPop"/> sees the queue end early,
/// but <see cref="IsDrained"/> already sees the push (the counter moved at the reservation), so a consumer
/// that checks it before giving up the queue never strands a message.</para>
/// </remarks>
/// <typeparam name="T">The message type.</typeparam>
internal sealed class SegmentedMailbox<T>
{
    /// <summary>Slots in the first segment: enough for a few messages, small for an actor that gets one.</summary>
    internal const int FirstSegmentLength = 4;

    /// <summary>Slots in the largest segment: a busy mailbox allocates once per this many messages; below the large object heap.</summary>
    internal const int MaxSegmentLength = 1024;

    /// <summary>The segment producers reserve slots in; null until the first push. Only moves forward.</summary>
    private Segment? _tail;

    /// <summary>The first segment, where the consumer starts; null until the first push.</summary>
    private Segment? _first;

    /// <summary>The segment the consumer reads; null until the consumer first finds one. Consumer only.</summary>
    private Segment? _readSegment;

    /// <summary>The next slot the consumer reads in <see cref="_readSegment"/>. Consumer only.</summary>
    private int _readIndex;

    /// <summary>
    /// Whether no push has even begun since the last pop: a push whose slot is reserved but not yet
    /// written counts. Consumer only. (A producer that found its segment full and waits for the next one
    /// has not begun: it reserves, and then looks at the actor's scheduled flag, only after.)
    /// </summary>
    public bool IsDrained
    {
        get
        {
            var segment = _readSegment ?? Volatile.Read(ref _first);
            if (segment is null)
            {
                return true;
            }

            if (_readIndex < segment.Slots.Length)
            {
                return Volatile.Read(ref segment.Reserved) <= _readIndex;
            }

            var next = Volatile.Read(ref segment.Next);
            return next is null || Volatile.Read(ref next.Reserved) == 0;
        }
    }

    /// <summary>Adds a message; safe from any number of threads.</summary>
    public void Push(T message)
    {
        var segment = Volatile.Read(ref _tail) ?? FirstSegment();
        while (true)
        {
            var index = Interlocked.Increment(ref segment.Reserved) - 1;
            var slots = segment.Slots;
            if ((uint)index < (uint)slots.Length)
            {
                ref var slot = ref slots[index];
                slot.Value = message;
                Volatile.Write(ref slot.Ready, true);
                return;
            }

            segment = index == slots.Length ? Grow(segment) : NextOf(segment);
        }
    }

    /// <summary>Takes the oldest message; the caller must be the only consumer at this moment.</summary>
    public bool TryPop(out T message)
    {
        var segment = _readSegment;
        if (segment is null)
        {
            segment = Volatile.Read(ref _first);
            if (segment is null)
            {
                message = default!;
                return false;
            }

            _readSegment = segment;
        }

        var index = _readIndex;
        var slots = segment.Slots;
        if ((uint)index >= (uint)slots.Length)
        {
            var next = Volatile.Read(ref segment.Next);
            if (next is null)
            {
                message = default!;
                return false;
            }

            // Producers find the tail through _tail, never through Next: unlinking the left segment keeps
            // one that lived through a collection from holding every later segment alive and promoted.
            segment.Next = null;
            _readSegment = segment = next;
            index = 0;
            slots = segment.Slots;
        }

        ref var slot = ref slots[index];
        if (!Volatile.Read(ref slot.Ready))
        {
            _readIndex = index;
            message = default!;
            return false;
        }

        message = slot.Value;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            // A handled message must not live as long as its segment.
            slot.Value = default!;
        }

        _readIndex = index + 1;
        return true;
    }

    private Segment FirstSegment()
    {
        // The first segment is published for the consumer apart from the tail, which may move on before
        // a losing producer (or the consumer) looks at it again.
        var created = new Segment(FirstSegmentLength);
        var first = Interlocked.CompareExchange(ref _first, created, null) ?? created;
        Interlocked.CompareExchange(ref _tail, first, null);
        return first;
    }

    /// <summary>Run by the one producer whose reservation fell just past the end of <paramref name="full"/>.</summary>
    private Segment Grow(Segment full)
    {
        var next = new Segment(Math.Min(full.Slots.Length * 2, MaxSegmentLength));

        // Next first: the consumer follows Next, and must find it once a reservation in the new segment shows.
        Volatile.Write(ref full.Next, next);
        Volatile.Write(ref _tail, next);
        return next;
    }

    /// <summary>Waits for the producer that grows the mailbox past <paramref name="full"/>, a few instructions away.</summary>
    private Segment NextOf(Segment full)
    {
        var wait = default(SpinWait);
        Segment tail;
        while ((tail = Volatile.Read(ref _tail)!) == full)
        {
            wait.SpinOnce();
        }

        return tail;
    }

    private struct Slot
    {
        public T Value;
        public bool Ready;
    }

    private sealed class Segment(int length)
    {
        public readonly Slot[] Slots = new Slot[length];

        /// <summary>Slots handed out so far; runs past the length by one per producer that found the segment full.</summary>
        public int Reserved;

        /// <summary>The segment after this one; set once, before <see cref="_tail"/> moves to it.</summary>
        public Segment? Next;
    }
}

using System.Runtime.InteropServices;

namespace Threadwork.Messaging;

/// <summary>
/// What the sender of a queued subscription writes on every message, alone on its cache lines, so that
/// those writes do not evict the fields that the subscription's drain writes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine)]
internal struct SenderCounts
{
    /// <summary>Messages ever added to the backlog: the position the next one goes to. Written by one sender at a time (under the exchange's send gate), published with a release write.</summary>
    [FieldOffset(CacheLine)]
    public long Added;

    /// <summary>Messages dropped by the overflow policy. Written by one sender at a time, like <see cref="Added"/>.</summary>
    [FieldOffset(CacheLine + sizeof(long))]
    public long Dropped;

    /// <summary>
    /// The drain's count as this sender last read it: never more than the real one, so the backlog looks at
    /// most as empty as it is. The sender reads the drain's cache line only when this says the ring may be
    /// full, not on every message.
    /// </summary>
    [FieldOffset(CacheLine + (2 * sizeof(long)))]
    public long TakenSeen;

    /// <summary>Set once when the backlog is closed, under the exchange's send gate; read by the sender on every add, so it sits on the sender's line.</summary>
    [FieldOffset(CacheLine + (3 * sizeof(long)))]
    public bool Closed;

    /// <summary>Padding unit, as in <see cref="Queues.PaddedCount"/>: two 64-byte lines, as adjacent lines are prefetched together.</summary>
    private const int CacheLine = 128;
}

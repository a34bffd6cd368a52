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

    /// <summary>Padding unit, as in <see cref="Queues.PaddedCount"/>: two 64-byte lines, as adjacent lines are prefetched together.</summary>
    private const int CacheLine = 128;
}

using System.Runtime.InteropServices;

namespace Threadwork.Messaging;

/// <summary>
/// What the senders of a queued subscription count, alone on its cache lines, so that their writes on
/// every message do not evict the fields the subscription's drain reads on every message.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine)]
internal struct SenderCounts
{
    /// <summary>Messages added to the backlog; incremented atomically by senders.</summary>
    [FieldOffset(CacheLine)]
    public long Added;

    /// <summary>Waiting messages removed by senders to make room (drop oldest); incremented atomically.</summary>
    [FieldOffset(CacheLine + sizeof(long))]
    public long Evicted;

    /// <summary>Messages dropped by the overflow policy; incremented atomically.</summary>
    [FieldOffset(CacheLine + (2 * sizeof(long)))]
    public long Dropped;

    /// <summary>Padding unit, as in <see cref="Queues.PaddedCount"/>: two 64-byte lines, as adjacent lines are prefetched together.</summary>
    private const int CacheLine = 128;
}

using System.Runtime.InteropServices;

namespace Threadwork.Queues;

/// <summary>
/// A count alone on its cache line: a field the producer writes on every put, kept away from the fields
/// that lock-free consumers read, so that those reads do not miss each time it changes.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine)]
internal struct PaddedCount
{
    /// <summary>The count; guarded by whoever owns the struct.</summary>
    [FieldOffset(CacheLine)]
    public long Value;

    /// <summary>Padding unit: two 64-byte lines, as adjacent lines are prefetched together.</summary>
    private const int CacheLine = 128;
}

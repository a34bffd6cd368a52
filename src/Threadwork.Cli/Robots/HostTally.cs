using System.Runtime.InteropServices;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Hits per host, keyed by the host's bytes as they appear in the log. A host is looked up by a span of
/// the line, so a hit costs no allocation unless the host is new.
/// </summary>
internal sealed class HostTally
{
    private readonly Dictionary<byte[], long> _hits = new(HostBytesComparer.Instance);

    private readonly Dictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;

    public HostTally()
    {
        _bySpan = _hits.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Hosts counted so far.</summary>
    public int Count => _hits.Count;

    /// <summary>Counts one hit for <paramref name="host"/>.</summary>
    public void Add(ReadOnlySpan<byte> host) => CollectionsMarshal.GetValueRefOrAddDefault(_bySpan, host, out _)++;

    /// <summary>Counts <paramref name="hits"/> hits for <paramref name="host"/> (a tally sent back by a worker process).</summary>
    public void Add(ReadOnlySpan<byte> host, long hits) => CollectionsMarshal.GetValueRefOrAddDefault(_bySpan, host, out _) += hits;

    /// <summary>Adds every hit of <paramref name="other"/> to this tally.</summary>
    public void Add(HostTally other)
    {
        foreach (var (host, hits) in other._hits)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_hits, host, out _) += hits;
        }
    }

    /// <summary>The hosts in byte order (the order of <c>LC_ALL=C sort</c>), with their hits.</summary>
    public IReadOnlyList<KeyValuePair<byte[], long>> Sorted()
    {
        var all = _hits.ToArray();
        Array.Sort(all, (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return all;
    }

    private sealed class HostBytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly HostBytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}

using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Hits per host, keyed by the host's bytes as they appear in the log. A host is looked up by a span of
/// the line, so a hit costs no allocation; a new host costs its bytes in one shared, growing array.
/// </summary>
/// <remarks>
/// An open-addressing table of its own rather than a <see cref="Dictionary{TKey, TValue}"/>: a hit hashes
/// and compares the bytes inline, with no comparer interface, no array per key and no library method that
/// the runtime would re-compile (and instrument) while a short scan runs. The hash is seeded per table, so
/// crafted hosts cannot be made to collide in every run.
/// </remarks>
internal sealed class HostTally
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15;

    private readonly ulong _seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>One per slot: 0 for empty, else the index in <see cref="_entries"/> plus one. The length is a power of two.</summary>
    private int[] _slots = new int[1024];

    private Entry[] _entries = new Entry[512];

    /// <summary>The bytes of every host, one after another; an entry says where its host is.</summary>
    private byte[] _keys = new byte[8192];

    private int _keysUsed;

    /// <summary>Hosts counted so far.</summary>
    public int Count { get; private set; }

    /// <summary>Counts one hit for <paramref name="host"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> host) => HitsOf(host)++;

    /// <summary>Counts <paramref name="hits"/> hits for <paramref name="host"/> (a tally sent back by a worker process).</summary>
    public void Add(ReadOnlySpan<byte> host, long hits) => HitsOf(host) += hits;

    /// <summary>Adds every hit of <paramref name="other"/> to this tally.</summary>
    public void Add(HostTally other)
    {
        for (var i = 0; i < other.Count; i++)
        {
            ref var entry = ref other._entries[i];
            HitsOf(other._keys.AsSpan(entry.Start, entry.Length)) += entry.Hits;
        }
    }

    /// <summary>The hosts in byte order (the order of <c>LC_ALL=C sort</c>), with their hits.</summary>
    public IReadOnlyList<KeyValuePair<byte[], long>> Sorted()
    {
        var all = new KeyValuePair<byte[], long>[Count];
        for (var i = 0; i < all.Length; i++)
        {
            ref var entry = ref _entries[i];
            all[i] = new(_keys.AsSpan(entry.Start, entry.Length).ToArray(), entry.Hits);
        }

        Array.Sort(all, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        return all;
    }

    /// <summary>The hit count of <paramref name="host"/>, added at 0 if it is new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ref long HitsOf(ReadOnlySpan<byte> host)
    {
        var hash = Hash(host, _seed);
        var mask = _slots.Length - 1;
        for (var slot = (int)(hash & (uint)mask); ; slot = (slot + 1) & mask)
        {
            var index = _slots[slot] - 1;
            if (index < 0)
            {
                return ref Insert(host, hash, slot);
            }

            ref var entry = ref _entries[index];
            if (entry.Hash == hash && entry.Length == host.Length && SameBytes(host, _keys.AsSpan(entry.Start, entry.Length)))
            {
                return ref entry.Hits;
            }
        }
    }

    private ref long Insert(ReadOnlySpan<byte> host, uint hash, int slot)
    {
        if (_keysUsed + host.Length > _keys.Length)
        {
            Array.Resize(ref _keys, Math.Max(_keys.Length * 2, _keysUsed + host.Length));
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        host.CopyTo(_keys.AsSpan(_keysUsed));
        _entries[Count] = new Entry { Start = _keysUsed, Length = host.Length, Hash = hash };
        _keysUsed += host.Length;
        _slots[slot] = ++Count;
        ref var hits = ref _entries[Count - 1].Hits;

        // At most half full, so a probe ends at an empty slot after a step or two.
        if (Count * 2 > _slots.Length)
        {
            Grow();
        }

        return ref hits;
    }

    private void Grow()
    {
        var slots = new int[_slots.Length * 2];
        var mask = slots.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            var slot = (int)(_entries[i].Hash & (uint)mask);
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i + 1;
        }

        _slots = slots;
    }

    /// <summary>A 64-bit multiply-and-fold hash over 8-byte words, the last word read overlapping the one before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<byte> bytes, ulong seed)
    {
        var h = seed ^ ((ulong)bytes.Length * Multiplier);
        if (bytes.Length >= 8)
        {
            var at = 0;
            for (; at + 8 < bytes.Length; at += 8)
            {
                h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]));
            }

            h = Mix(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]));
        }
        else if (bytes.Length >= 4)
        {
            h = Mix(h, BinaryPrimitives.ReadUInt32LittleEndian(bytes) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) << 32));
        }
        else
        {
            ulong word = 0;
            foreach (var b in bytes)
            {
                word = (word << 8) | b;
            }

            h = Mix(h, word);
        }

        return (uint)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, ulong word) => BitOperations.RotateLeft((h ^ word) * Multiplier, 29);

    /// <summary>Equal bytes, compared 8 at a time inline (the spans are of one length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SameBytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length < 8)
        {
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }

        for (var at = 0; at + 8 < a.Length; at += 8)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(a[at..]) != BinaryPrimitives.ReadUInt64LittleEndian(b[at..]))
            {
                return false;
            }
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(a[^8..]) == BinaryPrimitives.ReadUInt64LittleEndian(b[^8..]);
    }

    private struct Entry
    {
        public int Start;

        public int Length;

        public uint Hash;

        public long Hits;
    }
}

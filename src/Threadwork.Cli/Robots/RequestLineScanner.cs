using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Finds, in lines of an access log, those whose seventh whitespace-separated field is the request path
/// searched for, and tallies their first field (the host): the recipe's <c>line.split()</c>,
/// <c>fields[6] == '/robots.txt'</c>, <c>fields[0]</c>, without splitting anything.
/// </summary>
/// <remarks>
/// <para>Fields are separated by runs of ASCII white space (space, tab, vertical tab, form feed, carriage
/// return); lines end at '\n'. A line with fewer than seven fields is counted as malformed and skipped.
/// Any byte value is accepted: a non-ASCII byte is part of a field like any other.</para>
/// <para>Speed: the text is taken in segments of <see cref="SegmentSize"/> bytes. A first pass finds
/// every '\n' of a segment, 64 bytes a step (two compares, a bit mask), and writes their positions to an
/// array without a branch per line. A second pass classifies each line from the 64 bytes at its start,
/// loaded as two 32-byte vectors: one compare gives a bit mask of its white space, from which the field
/// starts are bits, and the seventh field's start is the seventh set bit. Neither pass has a loop whose
/// length depends on the line's, so a line costs no mispredicted branch. Lines whose seventh field
/// starts beyond those 64 bytes, and the last bytes of a buffer, take a byte-by-byte path that gives the
/// same answer.</para>
/// </remarks>
internal sealed class RequestLineScanner(byte[] path, HostTally hosts)
{
    private const int Window = 64;

    /// <summary>Bytes whose line ends are found before their lines are classified: small enough to stay in the first-level cache.</summary>
    private const int SegmentSize = 4096;

    /// <summary>The line ends of one segment; two spare entries, written past the last end without a test.</summary>
    private readonly int[] _ends = new int[SegmentSize + 2];

    /// <summary>The path's first eight bytes (fewer if it is shorter) as a little-endian word, and the mask of those bytes.</summary>
    private readonly ulong _head = Head(path);

    private readonly ulong _headMask = path.Length >= sizeof(ulong) ? ulong.MaxValue : (1UL << (8 * path.Length)) - 1;

    /// <summary>Lines seen.</summary>
    public long Lines { get; private set; }

    /// <summary>Lines with fewer than seven fields.</summary>
    public long Malformed { get; private set; }

    /// <summary>Scans whole lines; a last line without '\n' counts as a line.</summary>
    /// <remarks>Optimised from the first call: a scan of one file is over before tiered compilation would get to it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanLines(ReadOnlySpan<byte> text)
    {
        var lineStart = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Whole 64-byte blocks only: the bytes after the last one go to the byte-by-byte path below.
            var blocks = text.Length & ~(Window - 1);
            for (var segment = 0; segment < blocks; segment += SegmentSize)
            {
                var count = FindLineEnds(text, segment, Math.Min(segment + SegmentSize, blocks));
                Lines += count;
                foreach (var end in _ends.AsSpan(0, count))
                {
                    var line = text[lineStart..end];
                    if (lineStart + Window <= text.Length)
                    {
                        ClassifyWindowed(text[lineStart..], line.Length);
                    }
                    else
                    {
                        Classify(line);
                    }

                    lineStart = end + 1;
                }
            }
        }

        while (lineStart < text.Length)
        {
            var rest = text[lineStart..];
            var length = rest.IndexOf((byte)'\n');
            if (length < 0)
            {
                length = rest.Length;
            }

            ScanOneLine(rest[..length]);
            lineStart += length + 1;
        }
    }

    /// <summary>Scans <paramref name="line"/> as one line, whatever it holds (the start of a line too long for a buffer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanOneLine(ReadOnlySpan<byte> line)
    {
        Lines++;
        Classify(line);
    }

    /// <summary>
    /// Writes the positions of the '\n' bytes in [<paramref name="from"/>, <paramref name="to"/>) of
    /// <paramref name="text"/> (whole 64-byte blocks) to <see cref="_ends"/>; returns how many there are.
    /// </summary>
    /// <remarks>
    /// Every block writes its first two positions whether it has them or not (a block of a log has one
    /// '\n' or none, mostly) and moves the count on by how many it has; only a block with more takes a loop.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindLineEnds(ReadOnlySpan<byte> text, int from, int to)
    {
        ref var start = ref MemoryMarshal.GetReference(text);
        var ends = _ends.AsSpan();
        var newline = Vector256.Create((byte)'\n');
        var count = 0;
        for (var at = from; at < to; at += Window)
        {
            var newlines = Mask(
                Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)at), newline),
                Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(at + 32)), newline));
            var found = BitOperations.PopCount(newlines);
            ends[count] = at + BitOperations.TrailingZeroCount(newlines);
            newlines &= newlines - 1;
            ends[count + 1] = at + BitOperations.TrailingZeroCount(newlines);
            if (found > 2)
            {
                for (var k = count + 2; k < count + found; k++)
                {
                    newlines &= newlines - 1;
                    ends[k] = at + BitOperations.TrailingZeroCount(newlines);
                }
            }

            count += found;
        }

        return count;
    }

    /// <summary>Classifies the line of <paramref name="length"/> bytes at the start of <paramref name="rest"/> (at least 64 bytes long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ClassifyWindowed(ReadOnlySpan<byte> rest, int length)
    {
        ref var start = ref MemoryMarshal.GetReference(rest);
        var spaces = Mask(Spaces(Vector256.LoadUnsafe(ref start)), Spaces(Vector256.LoadUnsafe(ref start, (nuint)32)));
        var inLine = length >= Window ? ulong.MaxValue : (1UL << length) - 1;
        var word = ~spaces & inLine;
        var fieldStarts = word & ~(word << 1);
        // The seventh field start: the six lowest set bits cleared, written out (a loop would not be unrolled).
        var seventh = fieldStarts & (fieldStarts - 1);
        seventh &= seventh - 1;
        seventh &= seventh - 1;
        seventh &= seventh - 1;
        seventh &= seventh - 1;
        seventh &= seventh - 1;

        if (seventh == 0)
        {
            if (length < Window)
            {
                Malformed++;
            }
            else
            {
                // The seventh field, if any, starts after the window: the byte-by-byte path decides.
                Classify(rest[..length]);
            }

            return;
        }

        // The first (up to) eight bytes of the field against the path's, in one compare: it rejects
        // nearly every other path; the bytes read past the line's end, if any, are masked off or differ.
        var pathStart = BitOperations.TrailingZeroCount(seventh);
        if (pathStart + sizeof(ulong) <= rest.Length
            && (Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, pathStart)) & _headMask) != _head)
        {
            return;
        }

        if (IsPath(rest[pathStart..length]))
        {
            var hostStart = BitOperations.TrailingZeroCount(fieldStarts);
            var hostEnd = hostStart + BitOperations.TrailingZeroCount(~word >> hostStart);
            hosts.Add(rest[hostStart..hostEnd]);
        }
    }

    /// <summary>Classifies <paramref name="line"/> byte by byte (it is already counted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Classify(ReadOnlySpan<byte> line)
    {
        var i = 0;
        var hostStart = -1;
        var hostEnd = 0;
        for (var field = 0; field < 7; field++)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                Malformed++;
                return;
            }

            if (field == 6)
            {
                break;
            }

            var start = i;
            while (i < line.Length && !IsSpace(line[i]))
            {
                i++;
            }

            if (field == 0)
            {
                hostStart = start;
                hostEnd = i;
            }
        }

        if (IsPath(line[i..]))
        {
            hosts.Add(line[hostStart..hostEnd]);
        }
    }

    /// <summary>True when <paramref name="field"/> (the seventh field and what follows it on the line) starts with exactly the path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// <remarks>The path's last byte is compared first: it rejects most other paths without a call.</remarks>
    private bool IsPath(ReadOnlySpan<byte> field) =>
        field.Length >= path.Length && field[path.Length - 1] == path[^1] && field.StartsWith(path) && (field.Length == path.Length || IsSpace(field[path.Length]));

    private static ulong Head(byte[] path)
    {
        Span<byte> head = stackalloc byte[sizeof(ulong)];
        head.Clear();
        path.AsSpan(0, Math.Min(path.Length, head.Length)).CopyTo(head);
        return BinaryPrimitives.ReadUInt64LittleEndian(head);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte b) => b == ' ' || (uint)(b - '\t') <= '\r' - '\t';

    /// <summary>All ones in the bytes that are white space (and in '\n' bytes).</summary>
    /// <remarks>
    /// With AVX2, one table look-up by each byte's low four bits and one compare: the table holds, for
    /// each low nibble, the one white-space byte with that nibble (' ' for 0, '\t' to '\r' for 9 to 13),
    /// and 0 where there is none, which no byte with that nibble equals; bytes from 0x80 look up 0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Spaces(Vector256<byte> v) =>
        Avx2.IsSupported
            ? Vector256.Equals(Avx2.Shuffle(Vector256.Create((byte)' ', 0, 0, 0, 0, 0, 0, 0, 0, (byte)'\t', (byte)'\n', (byte)'\v', (byte)'\f', (byte)'\r', 0, 0, (byte)' ', 0, 0, 0, 0, 0, 0, 0, 0, (byte)'\t', (byte)'\n', (byte)'\v', (byte)'\f', (byte)'\r', 0, 0), v), v)
            : Vector256.Equals(v, Vector256.Create((byte)' ')) | Vector256.LessThanOrEqual(v - Vector256.Create((byte)'\t'), Vector256.Create((byte)('\r' - '\t')));

    /// <summary>One bit per byte of the 64: bit i set when byte i of the pair matched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(Vector256<byte> low, Vector256<byte> high) =>
        low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);
}

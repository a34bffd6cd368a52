using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// <para>Speed: a line is classified from the 64 bytes at its start, loaded as two 32-byte vectors: one
/// compare gives a bit mask of its white space, from which the field starts are bits, and the seventh
/// field's start is the seventh set bit. The rest of the line is skipped with a vectorised search for '\n'.
/// Lines whose seventh field starts beyond those 64 bytes, and the last bytes of a buffer, take a
/// byte-by-byte path that gives the same answer.</para>
/// </remarks>
internal sealed class RequestLineScanner(byte[] path, HostTally hosts)
{
    private const int Window = 64;

    /// <summary>Lines seen.</summary>
    public long Lines { get; private set; }

    /// <summary>Lines with fewer than seven fields.</summary>
    public long Malformed { get; private set; }

    /// <summary>Scans whole lines; a last line without '\n' counts as a line.</summary>
    /// <remarks>Optimised from the first call: a scan of one file is over before tiered compilation would get to it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanLines(ReadOnlySpan<byte> text)
    {
        var position = 0;
        while (position < text.Length)
        {
            var rest = text[position..];
            int length;
            if (Vector256.IsHardwareAccelerated && rest.Length >= Window)
            {
                length = ScanWindowed(rest);
            }
            else
            {
                length = rest.IndexOf((byte)'\n');
                if (length < 0)
                {
                    length = rest.Length;
                }

                ScanOneLine(rest[..length]);
            }

            position += length + 1;
        }
    }

    /// <summary>Scans <paramref name="line"/> as one line, whatever it holds (the start of a line too long for a buffer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ScanOneLine(ReadOnlySpan<byte> line)
    {
        Lines++;
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

    /// <summary>Scans the line at the start of <paramref name="rest"/> (at least 64 bytes long) and returns its length without the '\n'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ScanWindowed(ReadOnlySpan<byte> rest)
    {
        ref var start = ref MemoryMarshal.GetReference(rest);
        var low = Vector256.LoadUnsafe(ref start);
        var high = Vector256.LoadUnsafe(ref start, (nuint)32);
        var newlines = Mask(Vector256.Equals(low, Vector256.Create((byte)'\n')), Vector256.Equals(high, Vector256.Create((byte)'\n')));
        var spaces = Mask(Spaces(low), Spaces(high));

        var end = BitOperations.TrailingZeroCount(newlines);
        var inLine = end == Window ? ulong.MaxValue : (1UL << end) - 1;
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
            if (end < Window)
            {
                Lines++;
                Malformed++;
                return end;
            }

            // The seventh field, if any, starts after the window: the byte-by-byte path decides.
            var length = LineLength(rest, Window);
            ScanOneLine(rest[..length]);
            return length;
        }

        var lineLength = end < Window ? end : LineLength(rest, Window);
        Lines++;
        var pathStart = BitOperations.TrailingZeroCount(seventh);
        if (IsPath(rest[pathStart..lineLength]))
        {
            var hostStart = BitOperations.TrailingZeroCount(fieldStarts);
            var hostEnd = hostStart + BitOperations.TrailingZeroCount(~word >> hostStart);
            hosts.Add(rest[hostStart..hostEnd]);
        }

        return lineLength;
    }

    /// <summary>True when <paramref name="field"/> (the seventh field and what follows it on the line) starts with exactly the path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    /// <remarks>The path's last byte is compared first: it rejects most other paths without a call.</remarks>
    private bool IsPath(ReadOnlySpan<byte> field) =>
        field.Length >= path.Length && field[path.Length - 1] == path[^1] && field.StartsWith(path) && (field.Length == path.Length || IsSpace(field[path.Length]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte b) => b == ' ' || (uint)(b - '\t') <= '\r' - '\t';

    /// <summary>All ones in the bytes that are white space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Spaces(Vector256<byte> v) =>
        Vector256.Equals(v, Vector256.Create((byte)' ')) | Vector256.LessThanOrEqual(v - Vector256.Create((byte)'\t'), Vector256.Create((byte)('\r' - '\t')));

    /// <summary>One bit per byte of the 64: bit i set when byte i of the pair matched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(Vector256<byte> low, Vector256<byte> high) =>
        low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);

    /// <summary>Where the line at the start of <paramref name="rest"/> ends, searching from <paramref name="from"/>.</summary>
    /// <remarks>The rest of a log line is a few 32-byte blocks: an inline loop over them costs less than a call to IndexOf.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LineLength(ReadOnlySpan<byte> rest, int from)
    {
        ref var start = ref MemoryMarshal.GetReference(rest);
        var at = from;
        var newline = Vector256.Create((byte)'\n');
        for (; at + 64 <= rest.Length; at += 64)
        {
            var low = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)at), newline);
            var high = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(at + 32)), newline);
            if ((low | high) != Vector256<byte>.Zero)
            {
                return at + BitOperations.TrailingZeroCount(Mask(low, high));
            }
        }

        for (; at + 32 <= rest.Length; at += 32)
        {
            var newlines = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)at), newline).ExtractMostSignificantBits();
            if (newlines != 0)
            {
                return at + BitOperations.TrailingZeroCount(newlines);
            }
        }

        var last = rest[at..].IndexOf((byte)'\n');
        return last < 0 ? rest.Length : at + last;
    }
}

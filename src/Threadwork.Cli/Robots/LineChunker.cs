using System.Buffers;
using System.Runtime.CompilerServices;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Cuts a stream of log text into pooled buffers of whole lines, so a parser never sees half a line:
/// the incomplete line at the end of each buffer is carried to the start of the next.
/// </summary>
/// <remarks>
/// A line longer than a whole buffer is handed over as its first <see cref="ChunkSize"/> bytes (its
/// fields are at the start) and the rest of it is skipped, so memory stays bounded whatever the input.
/// A read error is raised only after the whole lines read before it have been handed over.
/// </remarks>
internal sealed class LineChunker(Stream text, ReadOnlySpan<byte> prefix)
{
    /// <summary>The size of every buffer.</summary>
    public const int ChunkSize = 256 * 1024;

    /// <summary>The buffer being filled; its first <see cref="_carried"/> bytes came from the previous one.</summary>
    private byte[] _filling = Rent(prefix);

    private int _carried = prefix.Length;

    /// <summary>Discarding the rest of a line longer than a buffer.</summary>
    private bool _skipping;

    private bool _ended;

    /// <summary>A read error, kept until the lines read before it have been handed over.</summary>
    private Exception? _error;

    /// <summary>Text bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Gives a buffer to the pool once its lines are scanned.</summary>
    public static void Return(LineChunk chunk) => ArrayPool<byte>.Shared.Return(chunk.Buffer);

    /// <summary>The next buffer of lines; false at the end of the text. The caller returns the buffer with <see cref="Return"/>.</summary>
    /// <remarks>Optimised from the first call, as the parser: it runs once a buffer, and a short scan would otherwise spend more on compiling it in tiers than on running it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryNext(out LineChunk chunk)
    {
        while (true)
        {
            if (_error is not null)
            {
                Finish(out chunk);
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
            }

            var filled = Fill();
            if (_skipping)
            {
                var newline = _filling.AsSpan(0, filled).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _carried = 0;
                    if (_ended)
                    {
                        return Finish(out chunk);
                    }

                    continue;
                }

                _skipping = false;
                _filling.AsSpan(newline + 1, filled - newline - 1).CopyTo(_filling);
                _carried = filled - newline - 1;
                continue;
            }

            if (filled == 0)
            {
                if (_error is not null)
                {
                    continue;
                }

                return Finish(out chunk);
            }

            if (_error is not null)
            {
                // The line the error cut off is not a line of the log: only the whole lines before it are scanned.
                filled = _filling.AsSpan(0, filled).LastIndexOf((byte)'\n') + 1;
                if (filled == 0)
                {
                    continue;
                }
            }

            if (_ended || _error is not null)
            {
                chunk = new LineChunk(_filling, filled, IsLineStart: false);
                _filling = Rent(default);
                _carried = 0;
                return true;
            }

            var lastNewline = _filling.AsSpan(0, filled).LastIndexOf((byte)'\n');
            var next = Rent(default);
            if (lastNewline < 0)
            {
                chunk = new LineChunk(_filling, filled, IsLineStart: true);
                _skipping = true;
                _carried = 0;
            }
            else
            {
                chunk = new LineChunk(_filling, lastNewline + 1, IsLineStart: false);
                _filling.AsSpan(lastNewline + 1, filled - lastNewline - 1).CopyTo(next);
                _carried = filled - lastNewline - 1;
            }

            _filling = next;
            return true;
        }
    }

    private bool Finish(out LineChunk chunk)
    {
        chunk = default;
        if (_filling.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_filling);
            _filling = [];
        }

        _ended = true;
        return false;
    }

    /// <summary>Reads until the buffer is full or the text ends; returns how many bytes it holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Fill()
    {
        var filled = _carried;
        while (!_ended && filled < ChunkSize)
        {
            int read;
            try
            {
                read = text.Read(_filling.AsSpan(filled, ChunkSize - filled));
            }
#pragma warning disable CA1031 // Kept and raised once the bytes read before it have been scanned.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _error = e;
                break;
            }

            if (read == 0)
            {
                _ended = true;
                break;
            }

            filled += read;
            BytesRead += read;
        }

        return filled;
    }

    private static byte[] Rent(ReadOnlySpan<byte> start)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        start.CopyTo(buffer);
        return buffer;
    }
}

using System.Buffers.Binary;
using System.IO.Compression;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Inflates every member of a gzip stream, as <see cref="GZipStream"/> does, and throws
/// <see cref="GzipDataException"/> where <see cref="GZipStream"/> would end quietly: data cut short
/// (inside a member or its trailer), a damaged header, or a trailer whose length does not match.
/// </summary>
/// <remarks>
/// <para>Each member's deflate data goes through its own <see cref="DeflateStream"/> (zlib-ng), fed from a
/// window this class owns. A <see cref="DeflateStream"/> that asks for input the window cannot give was
/// starved: the file is truncated. One that ends on its own has read its final block; its 8-byte
/// trailer then lies in the last bytes it was fed (it only asks for more when it has used all it has),
/// and is the first position there whose length field equals the bytes the member inflated and that
/// is followed by the end of the data or the next member's magic number.</para>
/// <para>The CRC-32 is not checked: that would be a second pass over every inflated byte. Damaged deflate
/// data is still caught by zlib, and a lost or added byte by the length check.</para>
/// </remarks>
internal sealed class CheckedGzipStream : Stream
{
    private const int WindowSize = 64 * 1024;

    /// <summary>The most bytes one feed gives, far below the window, so a finished member's last feed always fits beside its trailer.</summary>
    private const int MaxFeed = WindowSize / 4;

    /// <summary>The compressed input.</summary>
    private readonly Stream _compressed;

    /// <summary>Compressed bytes; [<see cref="_next"/>, <see cref="_end"/>) are not yet given to an inflater.</summary>
    private readonly byte[] _window = new byte[WindowSize];

    /// <summary>What the member inflaters read from: hands them bytes of the window.</summary>
    private readonly WindowFeed _feed;

    /// <summary>The first byte not yet given to an inflater.</summary>
    private int _next;

    /// <summary>The end of the valid bytes in the window.</summary>
    private int _end;

    /// <summary>Where the most recent feed began: a finished member's trailer lies at or after it.</summary>
    private int _lastFeed;

    /// <summary>The offset in the compressed input of the window's first byte.</summary>
    private long _windowOffset;

    /// <summary>The compressed input has returned end of data.</summary>
    private bool _inputEnded;

    /// <summary>The current member's inflater asked for bytes and there were none.</summary>
    private bool _starved;

    /// <summary>The current member's inflater; null before the first member and between members.</summary>
    private DeflateStream? _member;

    /// <summary>Bytes the current member has inflated, modulo 2^32 as its trailer stores them.</summary>
    private uint _memberLength;

    /// <summary>Members started so far.</summary>
    private int _members;

    /// <summary>Every member is done.</summary>
    private bool _finished;

    /// <summary>Reads gzip data from <paramref name="compressed"/>, whose first bytes, already read, are <paramref name="prefix"/>.</summary>
    public CheckedGzipStream(Stream compressed, ReadOnlySpan<byte> prefix)
    {
        _compressed = compressed;
        _feed = new WindowFeed(this);
        prefix.CopyTo(_window);
        _end = prefix.Length;
    }

    /// <summary>Bytes inflated so far.</summary>
    public long InflatedBytes { get; private set; }

    /// <summary>Compressed bytes consumed so far.</summary>
    public long CompressedOffset => _windowOffset + _next;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (!_finished)
        {
            if (_member is null && !StartMember())
            {
                _finished = true;
                break;
            }

            int read;
            try
            {
                read = _member!.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Damaged($"member {_members} holds invalid deflate data ({e.Message})", e);
            }

            if (read > 0)
            {
                _memberLength += (uint)read;
                InflatedBytes += read;
                return read;
            }

            if (_starved)
            {
                throw Truncated($"the data ends inside gzip member {_members}");
            }

            FinishMember();
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads the next member's header; false at the end of the data.</summary>
    private bool StartMember()
    {
        if (!Available(1))
        {
            return false;
        }

        _members++;
        if (Take() != 0x1f || Take() != 0x8b)
        {
            throw Damaged(_members == 1 ? "it is not in gzip format (no gzip magic number)" : $"the bytes after member {_members - 1} are not a gzip member");
        }

        var method = Take();
        var flags = Take();
        if (method != 8 || (flags & 0xe0) != 0)
        {
            throw Damaged($"gzip member {_members} has an unknown compression method or flags");
        }

        Skip(6);
        if ((flags & 0x04) != 0)
        {
            Skip(Take() | (Take() << 8));
        }

        if ((flags & 0x08) != 0)
        {
            SkipZeroTerminated();
        }

        if ((flags & 0x10) != 0)
        {
            SkipZeroTerminated();
        }

        if ((flags & 0x02) != 0)
        {
            Skip(2);
        }

        _memberLength = 0;
        _starved = false;
        _lastFeed = _next;
        _member = new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>After a member's deflate data ended: finds its trailer and moves to the byte after it.</summary>
    private void FinishMember()
    {
        _member!.Dispose();
        _member = null;

        // The trailer starts somewhere in [_lastFeed, _next]; make its 8 bytes and 2 more visible.
        Available(10, keepFrom: _lastFeed);
        for (var at = _lastFeed; at <= _next && at + 8 <= _end; at++)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(_window.AsSpan(at + 4, 4));
            var followedByEnd = at + 8 == _end && _inputEnded;
            var followedByMember = at + 10 <= _end && _window[at + 8] == 0x1f && _window[at + 9] == 0x8b;
            if (length == _memberLength && (followedByEnd || followedByMember))
            {
                _next = at + 8;
                return;
            }
        }

        if (_inputEnded)
        {
            throw Truncated($"the data ends before the trailer of gzip member {_members} is complete");
        }

        throw Damaged($"the trailer of gzip member {_members} does not match its data ({_memberLength} bytes)");
    }

    /// <summary>Gives an inflater up to <paramref name="destination"/>'s length of bytes; 0 means there are none left.</summary>
    private int Feed(Span<byte> destination)
    {
        if (!Available(1))
        {
            _starved = true;
            return 0;
        }

        var count = Math.Min(Math.Min(destination.Length, MaxFeed), _end - _next);
        _window.AsSpan(_next, count).CopyTo(destination);
        _lastFeed = _next;
        _next += count;
        return count;
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes from <see cref="_next"/> visible if the input has them,
    /// keeping the bytes from <paramref name="keepFrom"/> on; false if fewer are left.
    /// </summary>
    private bool Available(int count, int keepFrom = -1)
    {
        while (_end - _next < count && !_inputEnded)
        {
            var keep = keepFrom < 0 ? _next : Math.Min(keepFrom, _next);
            if (_end == _window.Length)
            {
                // Slide the kept bytes to the front; at most a finished member's last feed is kept, a quarter of the window.
                _window.AsSpan(keep, _end - keep).CopyTo(_window);
                _windowOffset += keep;
                _next -= keep;
                _lastFeed -= keep;
                _end -= keep;
                keepFrom = keepFrom < 0 ? -1 : keepFrom - keep;
            }

            var read = _compressed.Read(_window.AsSpan(_end));
            if (read == 0)
            {
                _inputEnded = true;
            }

            _end += read;
        }

        return _end - _next >= count;
    }

    private byte Take()
    {
        if (!Available(1))
        {
            throw Truncated($"the data ends inside the header of gzip member {_members}");
        }

        return _window[_next++];
    }

    private void Skip(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Take();
        }
    }

    private void SkipZeroTerminated()
    {
        while (Take() != 0)
        {
        }
    }

    private GzipDataException Truncated(string why) =>
        new($"truncated gzip data: {why}", truncated: true, _members, CompressedOffset, InflatedBytes);

    private GzipDataException Damaged(string why, Exception? inner = null) =>
        new($"corrupt gzip data: {why}", truncated: false, _members, CompressedOffset, InflatedBytes, inner);

    /// <summary>The stream a member's <see cref="DeflateStream"/> reads its compressed bytes from.</summary>
    private sealed class WindowFeed(CheckedGzipStream owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => owner.Feed(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => owner.Feed(buffer);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

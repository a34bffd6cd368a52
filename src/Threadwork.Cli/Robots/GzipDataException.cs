namespace Threadwork.Cli.Robots;

/// <summary>Gzip input that cannot be inflated to its end: cut short, or damaged. Says how far inflation got.</summary>
internal sealed class GzipDataException : IOException
{
    public GzipDataException(string message, bool truncated, int member, long compressedOffset, long inflatedBytes, Exception? innerException = null)
        : base(message, innerException)
    {
        Truncated = truncated;
        Member = member;
        CompressedOffset = compressedOffset;
        InflatedBytes = inflatedBytes;
    }

    /// <summary>True when the data ends too early; false when it is damaged.</summary>
    public bool Truncated { get; }

    /// <summary>The gzip member (1-based) that failed.</summary>
    public int Member { get; }

    /// <summary>How many compressed bytes had been read when the problem was found.</summary>
    public long CompressedOffset { get; }

    /// <summary>How many bytes had been inflated before it.</summary>
    public long InflatedBytes { get; }
}

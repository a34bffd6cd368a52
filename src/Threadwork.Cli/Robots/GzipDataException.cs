namespace Threadwork.Cli.Robots;

/// <summary>Gzip input that cannot be inflated to its end: cut short, or damaged. Says how far inflation got.</summary>
internal sealed class GzipDataException(string message, bool truncated, long compressedOffset, long inflatedBytes, Exception? innerException)
    : IOException(message, innerException)
{
    /// <summary>True when the data ends too early; false when it is damaged.</summary>
    public bool Truncated { get; } = truncated;

    /// <summary>How many compressed bytes had been read when the problem was found.</summary>
    public long CompressedOffset { get; } = compressedOffset;

    /// <summary>How many bytes had been inflated before it.</summary>
    public long InflatedBytes { get; } = inflatedBytes;
}

namespace Threadwork.Cli.Robots;

/// <summary>
/// Text of a log in a pooled buffer: <see cref="Length"/> bytes of whole lines, or, when
/// <see cref="IsLineStart"/>, the start of one line too long for a buffer (its rest is skipped).
/// </summary>
internal readonly record struct LineChunk(byte[] Buffer, int Length, bool IsLineStart)
{
    public ReadOnlySpan<byte> Text => Buffer.AsSpan(0, Length);
}

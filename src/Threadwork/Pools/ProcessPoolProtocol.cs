using System.Buffers.Binary;
using System.Text;

namespace Threadwork.Pools;

/// <summary>
/// The frames a <see cref="ProcessPool"/> and its workers exchange over the worker's standard input and
/// output: a 4-byte payload length, a kind byte, an 8-byte job id (little-endian), then the payload.
/// Length-prefixed, so a frame is read with two reads and no scanning, and a worker that dies mid-frame
/// is seen as an end of stream, never as a garbled job.
/// </summary>
internal static class ProcessPoolProtocol
{
    /// <summary>Set (to the pool's name) in the environment of every worker the pool starts.</summary>
    public const string WorkerVariable = "THREADWORK_PROCESS_POOL_WORKER";

    /// <summary>The pool's process id, so a worker can notice that its parent is gone.</summary>
    public const string ParentVariable = "THREADWORK_PROCESS_POOL_PARENT";

    /// <summary>Worker to pool, once, first: the payload is <see cref="Magic"/>.</summary>
    public const byte Ready = 1;

    /// <summary>Worker to pool: the job's result as JSON.</summary>
    public const byte Result = 2;

    /// <summary>Worker to pool: the job threw; the payload is the exception as JSON (type, message, stack).</summary>
    public const byte Failure = 3;

    /// <summary>Pool to worker: run a job; the payload is the name's length (4 bytes), the name (UTF-8), the argument as JSON.</summary>
    public const byte Run = 4;

    /// <summary>Pool to worker: cancel the token of the running job with this id; no payload.</summary>
    public const byte Cancel = 5;

    public const int HeaderSize = 13;

    /// <summary>Larger frames are refused: a stray write to standard output, not a job, is the likely cause.</summary>
    public const int MaxPayload = 512 * 1024 * 1024;

    /// <summary>What a worker says first, so a program that is not a worker is told apart from one.</summary>
    public static ReadOnlySpan<byte> Magic => "threadwork-process-pool/1"u8;

    public static byte[] Frame(byte kind, long id, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderSize + payload.Length];
        WriteHeader(frame, kind, id, payload.Length);
        payload.CopyTo(frame.AsSpan(HeaderSize));
        return frame;
    }

    public static byte[] RunFrame(long id, byte[] name, ReadOnlySpan<byte> argument)
    {
        var payload = 4 + name.Length + argument.Length;
        var frame = new byte[HeaderSize + payload];
        WriteHeader(frame, Run, id, payload);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(HeaderSize), name.Length);
        name.CopyTo(frame.AsSpan(HeaderSize + 4));
        argument.CopyTo(frame.AsSpan(HeaderSize + 4 + name.Length));
        return frame;
    }

    /// <summary>Splits a run payload into the job's name and its argument.</summary>
    /// <exception cref="InvalidDataException">The payload is too short for the name it announces.</exception>
    public static (string Name, ReadOnlyMemory<byte> Argument) ParseRun(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length < 4)
        {
            throw new InvalidDataException("A run frame is shorter than its name length.");
        }

        var nameLength = BinaryPrimitives.ReadInt32LittleEndian(payload.Span);
        if (nameLength < 0 || nameLength > payload.Length - 4)
        {
            throw new InvalidDataException($"A run frame announces a {nameLength}-byte name in a {payload.Length}-byte payload.");
        }

        return (Encoding.UTF8.GetString(payload.Span.Slice(4, nameLength)), payload[(4 + nameLength)..]);
    }

    /// <summary>
    /// Reads one frame into <paramref name="buffer"/> (grown as needed). Returns false at the end of the
    /// stream, also when it ends inside a frame: the writer is gone either way.
    /// </summary>
    /// <exception cref="InvalidDataException">The header announces a payload larger than <see cref="MaxPayload"/>.</exception>
    public static bool TryRead(Stream stream, ref byte[] buffer, out byte kind, out long id, out int length)
    {
        kind = 0;
        id = 0;
        length = 0;
        Span<byte> header = stackalloc byte[HeaderSize];
        if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
        {
            return false;
        }

        length = BinaryPrimitives.ReadInt32LittleEndian(header);
        kind = header[4];
        id = BinaryPrimitives.ReadInt64LittleEndian(header[5..]);
        if (length < 0 || length > MaxPayload)
        {
            throw new InvalidDataException($"A frame announces {length} bytes of payload (kind {kind}); at most {MaxPayload} are allowed.");
        }

        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        return length == 0 || stream.ReadAtLeast(buffer.AsSpan(0, length), length, throwOnEndOfStream: false) == length;
    }

    private static void WriteHeader(Span<byte> frame, byte kind, long id, int payloadLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame, payloadLength);
        frame[4] = kind;
        BinaryPrimitives.WriteInt64LittleEndian(frame[5..], id);
    }
}

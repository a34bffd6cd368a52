using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Inflates gzip data, every member of it, with the BCL's <see cref="GZipStream"/> (zlib-ng, which checks
/// each member's CRC-32 and length), and throws <see cref="GzipDataException"/> for data cut short, which
/// <see cref="GZipStream"/> reports as a normal end.
/// </summary>
/// <remarks>
/// <para>How a cut is seen: when the compressed input ends, the inflater is given one more, known gzip
/// member, the probe, which inflates to a known marker. Input that ended cleanly, after a complete
/// member, makes the probe a member of its own, and the marker comes out. Input cut inside a member
/// makes the probe's bytes the rest of that member instead: zlib rejects them or the marker does not
/// come out. Either way the cut is reported.</para>
/// <para>Nothing inflated from the probe reaches the reader: the inflater asks for input only once it
/// has given out everything the input before could produce, so every byte it gives after the probe was
/// fed is held back and compared with the marker.</para>
/// </remarks>
internal sealed class CheckedGzipStream : ReadOnlyForwardStream
{
    private static readonly byte[] Marker = "\0threadwork: end of gzip input\0"u8.ToArray();

    private static readonly byte[] Probe = Compress(Marker);

    /// <summary>The compressed input, then the probe.</summary>
    private readonly ProbedInput _input;

    private readonly GZipStream _gzip;

    /// <summary>What was inflated after the probe was fed; must end up equal to the marker.</summary>
    private readonly byte[] _afterProbe = new byte[Marker.Length];

    private int _afterProbeLength;

    /// <summary>Reads gzip data from <paramref name="compressed"/>, whose first bytes, already read, are <paramref name="prefix"/>.</summary>
    public CheckedGzipStream(Stream compressed, ReadOnlySpan<byte> prefix)
    {
        _input = new ProbedInput(compressed, prefix.ToArray());
        _gzip = new GZipStream(_input, CompressionMode.Decompress);
    }

    /// <summary>Bytes inflated from the input (not the probe) so far.</summary>
    public long InflatedBytes { get; private set; }

    // Compiled optimised once: it runs for every block read, and a scan is over before tiered compilation has settled it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            int read;
            try
            {
                read = _gzip.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw _input.ProbeFed
                    ? Truncated(e)
                    : new GzipDataException($"corrupt gzip data: {e.Message.TrimEnd('.')}", truncated: false, _input.InputBytes, InflatedBytes, e);
            }

            if (!_input.ProbeFed)
            {
                InflatedBytes += read;
                return read;
            }

            if (read == 0)
            {
                return _afterProbeLength == Marker.Length ? 0 : throw Truncated(null);
            }

            // Inflated after the probe was fed: the marker, if the input ended where a member did.
            if (_afterProbeLength + read > Marker.Length || !buffer[..read].SequenceEqual(Marker.AsSpan(_afterProbeLength, read)))
            {
                throw Truncated(null);
            }

            buffer[..read].CopyTo(_afterProbe.AsSpan(_afterProbeLength));
            _afterProbeLength += read;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    private GzipDataException Truncated(Exception? inner) =>
        new("truncated gzip data: the data ends inside a gzip member", truncated: true, _input.InputBytes, InflatedBytes, inner);

    private static byte[] Compress(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The stream the inflater reads: the prefix, the compressed input, then the probe, never mixed in one read.</summary>
    private sealed class ProbedInput(Stream compressed, byte[] prefix) : ReadOnlyForwardStream
    {
        private int _prefixUsed;

        private int _probeUsed;

        /// <summary>The compressed input has ended and the probe has been (at least partly) handed out.</summary>
        public bool ProbeFed { get; private set; }

        /// <summary>Bytes of the real input handed out.</summary>
        public long InputBytes { get; private set; }

        // Compiled optimised once: it runs for every block read, and a scan is over before tiered compilation has settled it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            int read;
            if (_prefixUsed < prefix.Length)
            {
                read = Math.Min(buffer.Length, prefix.Length - _prefixUsed);
                prefix.AsSpan(_prefixUsed, read).CopyTo(buffer);
                _prefixUsed += read;
            }
            else
            {
                read = ProbeFed ? 0 : compressed.Read(buffer);
            }

            if (read > 0)
            {
                InputBytes += read;
                return read;
            }

            ProbeFed = true;
            read = Math.Min(buffer.Length, Probe.Length - _probeUsed);
            Probe.AsSpan(_probeUsed, read).CopyTo(buffer);
            _probeUsed += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                compressed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

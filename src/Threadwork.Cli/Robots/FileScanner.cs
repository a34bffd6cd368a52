using System.Runtime.CompilerServices;
using Threadwork.Queues;
using Threadwork.Workers;

namespace Threadwork.Cli.Robots;

/// <summary>
/// Scans one log: path in, <see cref="FileScanResult"/> out. It needs nothing but its arguments, so
/// the same function can run on a pool thread or, later, in a worker process.
/// </summary>
internal static class FileScanner
{
    /// <summary>Buffers in flight between the inflating and the parsing thread: enough to keep both busy, few enough to bound memory.</summary>
    private const int ChunksInFlight = 4;

    /// <summary>
    /// Reads <paramref name="source"/> (gzip, recognised by its magic number, or plain text) and tallies the
    /// hosts that requested the path. Once <paramref name="spare"/> has a core, a second thread inflates while
    /// this one parses, so one big file is not held to one core. Never throws for bad input: an unreadable,
    /// truncated or corrupt file gives a result with <see cref="FileScanResult.Error"/> and whatever was
    /// found before the problem.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static FileScanResult Scan(LogSource source, ScanSettings settings, SpareCores spare, ScanProgress progress, CancellationToken cancellationToken)
    {
        var hosts = new HostTally();
        var scanner = new RequestLineScanner(settings.Path, hosts);
        long textBytes = 0;
        Stream? raw = null;
        try
        {
            raw = new CountingStream(source.Open(), progress);
            Span<byte> prefix = stackalloc byte[2];
            var sniffed = raw.ReadAtLeast(prefix, 2, throwOnEndOfStream: false);
            prefix = prefix[..sniffed];
            // The content decides, not the name; but a .gz file of the one byte 0x1f is gzip cut after its first byte.
            var namedGz = source.Name.EndsWith(".gz", StringComparison.Ordinal);
            var isGzip = prefix.SequenceEqual((ReadOnlySpan<byte>)[0x1f, 0x8b]) || (namedGz && prefix.SequenceEqual((ReadOnlySpan<byte>)[0x1f]));
            if (sniffed == 0)
            {
                return new FileScanResult(source.Name, hosts, 0, 0, 0, null);
            }

            if (!isGzip && namedGz)
            {
                return Failed("corrupt gzip data: it is not in gzip format (no gzip magic number)");
            }

            if (settings.InflateOnly)
            {
                textBytes = InflateAndDiscard(raw, prefix, isGzip, cancellationToken);
                return new FileScanResult(source.Name, hosts, 0, 0, textBytes, null);
            }

            var text = isGzip ? new CheckedGzipStream(raw, prefix) : raw;
            raw = text;
            var chunker = new LineChunker(text, isGzip ? default : prefix);
            try
            {
                ScanLines(source.Name, chunker, scanner, spare, cancellationToken);
            }
            finally
            {
                textBytes = chunker.BytesRead + (isGzip ? 0 : prefix.Length);
            }

            return new FileScanResult(source.Name, hosts, scanner.Lines, scanner.Malformed, textBytes, null);
        }
        catch (GzipDataException e)
        {
            return Failed($"{e.Message}; {e.CompressedOffset:N0} of {source.Length?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} compressed bytes read, {e.InflatedBytes:N0} bytes inflated");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed($"cannot read it: {e.Message}");
        }
        finally
        {
            raw?.Dispose();
            progress.FileDone();
        }

        FileScanResult Failed(string why) =>
            new(source.Name, hosts, scanner.Lines, scanner.Malformed, textBytes,
                $"{why}; {scanner.Lines:N0} lines scanned before it{(scanner.Malformed > 0 ? $", {scanner.Malformed:N0} of them malformed" : string.Empty)}");
    }

    /// <summary>Inflates and parses on this thread, until <paramref name="spare"/> has a core for a second, inflating thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanLines(string name, LineChunker chunker, RequestLineScanner scanner, SpareCores spare, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (spare.TryClaim())
            {
                try
                {
                    ScanOverlapped(name, chunker, scanner, cancellationToken);
                }
                finally
                {
                    spare.Release();
                }

                return;
            }

            if (!chunker.TryNext(out var chunk))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            Parse(chunk, scanner);
        }
    }

    /// <summary>
    /// One worker inflates into pooled buffers while this thread parses them. The bounded queue makes the
    /// inflater wait when the parser falls behind, so at most <see cref="ChunksInFlight"/> buffers (plus
    /// the one each side holds) exist at once. The inflater's error travels through the queue's close, after
    /// the buffers read before it, so the lines it did read are all counted.
    /// </summary>
    private static void ScanOverlapped(string name, LineChunker chunker, RequestLineScanner scanner, CancellationToken cancellationToken)
    {
        var chunks = new WorkQueue<LineChunk>(ChunksInFlight, $"{name} buffers");
        var inflater = new Worker($"inflate {name}", context =>
        {
            try
            {
                while (chunker.TryNext(out var chunk))
                {
                    try
                    {
                        chunks.Put(chunk, context.StopToken);
                    }
                    catch
                    {
                        LineChunker.Return(chunk);
                        throw;
                    }
                }

                chunks.Close();
            }
            catch (Exception e)
            {
                chunks.Close(e);
                throw;
            }
        }) { IsBackground = true };
        inflater.Start();
        try
        {
            foreach (var chunk in chunks.Consume(cancellationToken))
            {
                Parse(chunk, scanner);
            }
        }
        catch (QueueClosedException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
        finally
        {
            inflater.Stop();
            chunks.Close();
            while (chunks.TryGet(out var left))
            {
                LineChunker.Return(left);
            }

            // Its fault, if any, already came through the queue; this only makes sure the thread is gone.
            inflater.Completion.ContinueWith(static _ => { }, TaskScheduler.Default).Wait(CancellationToken.None);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Parse(LineChunk chunk, RequestLineScanner scanner)
    {
        try
        {
            if (chunk.IsLineStart)
            {
                scanner.ScanOneLine(chunk.Text);
            }
            else
            {
                scanner.ScanLines(chunk.Text);
            }
        }
        finally
        {
            LineChunker.Return(chunk);
        }
    }

    /// <summary>
    /// The limit a scan can approach: the same bytes through the same streams as a scan (the BCL's
    /// <see cref="System.IO.Compression.GZipStream"/> inside <see cref="CheckedGzipStream"/>, the same buffer
    /// size), inflated and thrown away, so that limit and scan differ by the line handling alone.
    /// </summary>
    private static long InflateAndDiscard(Stream raw, ReadOnlySpan<byte> prefix, bool isGzip, CancellationToken cancellationToken)
    {
        var text = isGzip ? new CheckedGzipStream(raw, prefix) : raw;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(LineChunker.ChunkSize);
        try
        {
            long total = isGzip ? 0 : prefix.Length;
            int read;
            while ((read = text.Read(buffer.AsSpan(0, LineChunker.ChunkSize))) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            if (!ReferenceEquals(text, raw))
            {
                text.Dispose();
            }
        }
    }
}

using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Threadwork.Cli.Robots;

/// <summary>What <c>threadwork robots</c> prints: the hosts on standard output, problems on standard error.</summary>
internal static class RobotsReport
{
    /// <summary>
    /// One line per host, sorted by bytes; with <paramref name="withHits"/>, "HOST HITS". Hosts are written as
    /// the bytes the log holds, so nothing is lost to decoding.
    /// </summary>
    public static void WriteText(Stream output, HostTally hosts, bool withHits)
    {
        Span<byte> number = stackalloc byte[20];
        foreach (var (host, hits) in hosts.Sorted())
        {
            output.Write(host);
            if (withHits)
            {
                output.WriteByte((byte)' ');
                Utf8Formatter.TryFormat(hits, number, out var written);
                output.Write(number[..written]);
            }

            output.WriteByte((byte)'\n');
        }
    }

    /// <summary>
    /// <c>{"path": ..., "files": N, "lines": N, "malformed": N, "hosts": [...]}</c>; with <paramref name="withHits"/>
    /// each host is <c>{"host": ..., "hits": N}</c>. Bytes that are not UTF-8 become U+FFFD, as JSON needs text.
    /// </summary>
    public static void WriteJson(Stream output, string path, IReadOnlyList<FileScanResult> results, HostTally hosts, bool withHits)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("path", path);
        json.WriteNumber("files", results.Count);
        json.WriteNumber("lines", results.Sum(r => r.Lines));
        json.WriteNumber("malformed", results.Sum(r => r.Malformed));
        json.WriteNumber("errors", results.Count(r => r.Error is not null));
        json.WriteStartArray("hosts");
        foreach (var (host, hits) in hosts.Sorted())
        {
            var name = Encoding.UTF8.GetString(host);
            if (withHits)
            {
                json.WriteStartObject();
                json.WriteString("host", name);
                json.WriteNumber("hits", hits);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStringValue(name);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>
    /// One line per log that had a problem, in the order the logs were given: "FILE: N malformed lines",
    /// "FILE: empty file", or "FILE: " and the error with how far the scan got (malformed lines included). Returns true if any log
    /// could not be read to its end.
    /// </summary>
    public static bool WriteProblems(TextWriter error, IReadOnlyList<FileScanResult> results)
    {
        var failed = false;
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                failed = true;
                error.WriteLine($"{result.Name}: {result.Error}");
            }
            else if (result.Malformed > 0)
            {
                error.WriteLine($"{result.Name}: {result.Malformed} malformed lines (fewer than 7 fields), skipped");
            }

            if (result.IsEmpty)
            {
                error.WriteLine($"{result.Name}: empty file");
            }
        }

        return failed;
    }
}

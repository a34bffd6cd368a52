using System.Buffers;
using System.Buffers.Text;
using System.IO.Compression;
using System.Text;

namespace Threadwork.Cli.GenLogs;

/// <summary>
/// Writes deterministic Apache access logs, gzip'd, for benchmarks and tests: the same seed gives the
/// same bytes. Lines are in combined format with a realistic mix of hosts, paths (/robots.txt among
/// them, fetched mostly by a few crawlers), statuses, referers and agents; optionally some malformed
/// lines (empty, cut short, binary garbage), each with fewer than seven fields.
/// </summary>
internal sealed class LogGenerator(int seed, double malformedRate)
{
    private const int HostCount = 20_000;
    private const int Crawlers = 400;

    private static readonly byte[][] Months = Utf8("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    private static readonly byte[][] Paths = Utf8(
        "/", "/index.html", "/favicon.ico", "/python/NewGIL.pdf", "/python/UnderstandingGIL.pdf",
        "/blog/2009/08/inside-inside-python-gil-presentation.html", "/generators/largest.py", "/generators/Generators.pdf",
        "/ply/ply.html", "/ply/ply-3.4.tar.gz", "/coroutines/Coroutines.pdf", "/usenix2009/concurrent/Concurrent.pdf",
        "/feeds/blog.rss", "/about.html", "/courses.html", "/cookbook/", "/images/header.png", "/css/style.css",
        "/js/jquery.min.js", "/search?q=python+gil&sort=date", "/blog/index.html", "/rss.xml", "/robots.text", "/robots.txt.bak");

    private static readonly byte[][] Agents = Utf8(
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.11 (KHTML, like Gecko) Chrome/23.0.1271.97 Safari/537.11",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.8; rv:17.0) Gecko/20100101 Firefox/17.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 6_0_1 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A523 Safari/8536.25",
        "Wget/1.13.4 (linux-gnu)", "python-requests/0.14.2 CPython/2.7.3 Linux/3.2.0");

    private static readonly byte[][] Referers = Utf8(
        "-", "-", "-", "http://www.dabeaz.com/", "http://www.google.com/search?q=python+gil", "http://news.ycombinator.com/",
        "http://www.reddit.com/r/Python/", "http://www.dabeaz.com/blog.html");

    private static readonly byte[][] Methods = Utf8("GET", "GET", "GET", "GET", "GET", "GET", "GET", "HEAD", "POST");

    private static readonly int[] Statuses = [200, 200, 200, 200, 200, 200, 304, 304, 404, 301, 206, 500];

    private readonly byte[][] _hosts = MakeHosts(seed);

    /// <summary>Writes <paramref name="lines"/> lines of day <paramref name="fileIndex"/> to a gzip file at <paramref name="path"/>.</summary>
    public GeneratedFile Write(string path, int fileIndex, long lines, CancellationToken cancellationToken)
    {
        var random = new Random(unchecked((seed * 7919) + fileIndex));
        var day = new DateTime(2012, 12, 17, 0, 0, 0, DateTimeKind.Unspecified).AddDays(fileIndex);
        var robotsHosts = new HashSet<string>(StringComparer.Ordinal);
        long robotsHits = 0, malformed = 0, textBytes = 0;
        var buffer = new byte[1 << 20];
        var line = new LineWriter(buffer);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
        using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            for (long n = 0; n < lines; n++)
            {
                if (line.Position > buffer.Length - 4096)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    gzip.Write(buffer, 0, line.Position);
                    textBytes += line.Position;
                    line.Position = 0;
                }

                var when = day.AddSeconds(n * 86_400.0 / Math.Max(lines, 1));
                var hostIndex = random.Next(10) < 3 ? random.Next(Crawlers) : random.Next(HostCount);
                var host = _hosts[hostIndex];
                if (malformedRate > 0 && random.NextDouble() < malformedRate)
                {
                    malformed++;
                    WriteMalformed(line, random, host, when);
                }
                else
                {
                    var robots = random.Next(1000) < (hostIndex < Crawlers ? 40 : 1);
                    if (robots)
                    {
                        robotsHits++;
                        robotsHosts.Add(Encoding.ASCII.GetString(host));
                    }

                    line.Bytes(host).Bytes(" - - ["u8);
                    Timestamp(line, when);
                    line.Bytes("] \""u8).Bytes(robots ? "GET"u8 : Methods[random.Next(Methods.Length)]).Byte((byte)' ');
                    WritePath(line, random, robots);
                    line.Bytes(" HTTP/1.1\" "u8).Number(Statuses[random.Next(Statuses.Length)]).Byte((byte)' ').Number(random.Next(100, 250_000))
                        .Bytes(" \""u8).Bytes(Referers[random.Next(Referers.Length)]).Bytes("\" \""u8).Bytes(Agents[random.Next(Agents.Length)]).Bytes("\""u8);
                }

                line.Byte((byte)'\n');
            }

            gzip.Write(buffer, 0, line.Position);
            textBytes += line.Position;
        }

        return new GeneratedFile(path, lines, textBytes, new FileInfo(path).Length, robotsHits, robotsHosts, malformed);
    }

    private static void WritePath(LineWriter line, Random random, bool robots)
    {
        if (robots)
        {
            line.Bytes("/robots.txt"u8);
            return;
        }

        switch (random.Next(10))
        {
            case < 6:
                line.Bytes(Paths[random.Next(Paths.Length)]);
                break;
            case < 9:
                line.Bytes("/blog/20"u8).Number(random.Next(5, 13), 2).Byte((byte)'/').Number(random.Next(1, 13), 2).Bytes("/post-"u8).Number(random.Next(5000)).Bytes(".html"u8);
                break;
            default:
                // A long path, so some seventh fields run far past the start of their line.
                line.Bytes("/archive/"u8);
                for (var i = random.Next(3, 9); i > 0; i--)
                {
                    line.Bytes("section-"u8).Number(random.Next(100_000)).Byte((byte)'/');
                }

                line.Bytes("robots.txt"u8);
                break;
        }
    }

    /// <summary>A line with fewer than seven fields: empty, cut short, or binary garbage without white space.</summary>
    private static void WriteMalformed(LineWriter line, Random random, byte[] host, DateTime when)
    {
        switch (random.Next(4))
        {
            case 0:
                break;
            case 1:
                line.Bytes(host).Bytes(" - - ["u8);
                Timestamp(line, when);
                break;
            case 2:
                line.Bytes(host).Bytes(" - - ["u8);
                Timestamp(line, when);
                line.Bytes("] \"GET"u8);
                break;
            default:
                for (var i = random.Next(1, 80); i > 0; i--)
                {
                    line.Byte((byte)random.Next(0x21, 0x100));
                }

                break;
        }
    }

    private static void Timestamp(LineWriter line, DateTime when) =>
        line.Number(when.Day, 2).Byte((byte)'/').Bytes(Months[when.Month - 1]).Byte((byte)'/').Number(when.Year)
            .Byte((byte)':').Number(when.Hour, 2).Byte((byte)':').Number(when.Minute, 2).Byte((byte)':').Number(when.Second, 2).Bytes(" -0600"u8);

    private static byte[][] MakeHosts(int seed)
    {
        var random = new Random(seed);
        var hosts = new byte[HostCount][];
        for (var i = 0; i < hosts.Length; i++)
        {
            hosts[i] = Encoding.ASCII.GetBytes($"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
        }

        return hosts;
    }

    private static byte[][] Utf8(params string[] values) => [.. values.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Appends log text to a byte buffer without making strings.</summary>
    private sealed class LineWriter(byte[] buffer)
    {
        public int Position { get; set; }

        public LineWriter Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(buffer.AsSpan(Position));
            Position += bytes.Length;
            return this;
        }

        public LineWriter Byte(byte value)
        {
            buffer[Position++] = value;
            return this;
        }

        public LineWriter Number(int value, int digits = 0)
        {
            Utf8Formatter.TryFormat(value, buffer.AsSpan(Position), out var written, digits > 0 ? new StandardFormat('D', (byte)digits) : default);
            Position += written;
            return this;
        }
    }
}

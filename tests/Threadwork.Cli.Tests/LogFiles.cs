using System.IO.Compression;

namespace Threadwork.Cli.Tests;

/// <summary>Making and checking log files for the robots tests.</summary>
internal static class LogFiles
{
    /// <summary>The recipe's parse, done the slow obvious way: split every line on white space.</summary>
    public static (Dictionary<string, long> Hits, long Malformed) Reference(IEnumerable<string> lines, string path)
    {
        var hits = new Dictionary<string, long>(StringComparer.Ordinal);
        long malformed = 0;
        var all = lines.ToList();

        // Split('\n') leaves an empty string after a final newline: that is not a line.
        if (all.Count > 0 && all[^1].Length == 0)
        {
            all.RemoveAt(all.Count - 1);
        }

        foreach (var line in all)
        {
            var fields = line.Split([' ', '\t', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 7)
            {
                malformed++;
            }
            else if (fields[6] == path)
            {
                hits[fields[0]] = hits.GetValueOrDefault(fields[0]) + 1;
            }
        }

        return (hits, malformed);
    }

    public static string Format(Dictionary<string, long> hits) =>
        string.Concat(hits.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} {h.Value}\n"));

    /// <summary>Runs the tool and keeps its standard output as bytes: hosts are written as the log's bytes, which need not be UTF-8.</summary>
    public static (int ExitCode, byte[] Stdout, string Stderr) RunForBytes(params string[] args)
    {
        using var process = ThreadworkProcess.Start(args);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    public static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    public static byte[] Gzip(byte[] text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(text);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] gzipped)
    {
        using var input = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}

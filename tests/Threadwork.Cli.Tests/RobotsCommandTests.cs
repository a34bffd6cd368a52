using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Threadwork.Cli.Tests;

public sealed class RobotsCommandTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("threadwork-robots-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Theory]
    [InlineData("--parallel", "2")]
    [InlineData("--parallel", "16")]
    [InlineData("--serial", null)]
    public void On_the_recipe_logs_it_prints_exactly_the_378_expected_hosts(string mode, string? value)
    {
        var result = ThreadworkProcess.Run(["robots", SharedData.Logs2012, mode, .. value is null ? Array.Empty<string>() : [value]]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(File.ReadAllText(SharedData.Logs2012Expected), result.Stdout);
        Assert.Equal(378, result.Lines.Length);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Another_path_and_hit_counts_match_a_plain_split_of_every_line()
    {
        var lines = Directory.GetFiles(SharedData.Logs2012, "*.log.gz").SelectMany(f => Encoding.Latin1.GetString(Gunzip(File.ReadAllBytes(f))).Split('\n'));
        var expected = Reference(lines, "/favicon.ico");

        var result = ThreadworkProcess.Run("robots", SharedData.Logs2012, "--path", "/favicon.ico", "--count");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Format(expected.Hits), result.Stdout);
    }

    [Fact]
    public void Serial_and_parallel_agree_on_generated_logs_and_find_what_the_generator_wrote()
    {
        var logs = Path.Combine(_temp.FullName, "gen");
        var generated = ThreadworkProcess.Run("gen-logs", logs, "--files", "3", "--lines", "40000", "--seed", "7", "--malformed-rate", "0.01");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var facts = generated.Lines.Select(l => l.Split(": ")).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(120_000, facts["lines"]);

        var serial = ThreadworkProcess.Run("robots", logs, "--serial", "--count");
        var parallel = ThreadworkProcess.Run("robots", logs, "--parallel", "2", "--count");
        var overlapped = ThreadworkProcess.Run("robots", logs, "--parallel", "8", "--count");
        foreach (var run in new[] { serial, parallel, overlapped })
        {
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(serial.Stdout, run.Stdout);
            Assert.Equal(serial.Stderr, run.Stderr);
        }

        Assert.Equal(facts["robots.txt hosts"], serial.Lines.Length);
        Assert.Equal(facts["robots.txt hits"], serial.Lines.Sum(l => long.Parse(l.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        var malformed = serial.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ")[1]).Select(m => long.Parse(m.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).Sum();
        Assert.Equal(facts["malformed lines"], malformed);
        Assert.True(malformed > 0);
    }

    [Fact]
    public void Gen_logs_writes_the_same_bytes_for_the_same_seed_and_other_bytes_for_another()
    {
        byte[] Generate(string name, string seed)
        {
            var dir = Path.Combine(_temp.FullName, name);
            var result = ThreadworkProcess.Run("gen-logs", dir, "--files", "1", "--lines", "5000", "--seed", seed);
            Assert.True(result.ExitCode == 0, result.ToString());
            return File.ReadAllBytes(Path.Combine(dir, "access-001.log.gz"));
        }

        var first = Generate("a", "3");
        Assert.Equal(first, Generate("b", "3"));
        Assert.NotEqual(first, Generate("c", "4"));
    }

    [Fact]
    public void Tricky_white_space_long_lines_and_non_ascii_bytes_give_what_a_plain_split_gives_plain_gzip_and_multi_member_alike()
    {
        var random = new Random(12);
        var text = new StringBuilder();
        string[] spaces = [" ", "  ", "\t", " \t ", "\r", "\v", "\f"];
        string[] seventh = ["/robots.txt", "/robots.txt", "/robots.txtx", "/robots.tx", "x/robots.txt", "/ROBOTS.TXT"];
        for (var n = 0; n < 20_000; n++)
        {
            var fields = random.Next(12);
            if (random.Next(8) == 0)
            {
                text.Append(spaces[random.Next(spaces.Length)]);
            }

            for (var f = 0; f < fields; f++)
            {
                if (f > 0)
                {
                    text.Append(spaces[random.Next(spaces.Length)]);
                }

                text.Append(f switch
                {
                    0 => $"h{random.Next(300)}{(random.Next(20) == 0 ? "\u00e9\u00ff" : string.Empty)}",
                    6 => seventh[random.Next(seventh.Length)],
                    _ => new string((char)('a' + random.Next(26)), random.Next(1, random.Next(8) == 0 ? 90 : 6)),
                });
            }

            if (random.Next(5) == 0)
            {
                text.Append(spaces[random.Next(spaces.Length)]);
            }

            text.Append('\n');
        }

        var bytes = Encoding.Latin1.GetBytes(text.ToString());
        var expected = Reference(Encoding.Latin1.GetString(bytes).Split('\n'), "/robots.txt");
        Assert.True(expected.Hits.Count > 100 && expected.Malformed > 1000);

        var plain = Path.Combine(_temp.FullName, "tricky.log");
        File.WriteAllBytes(plain, bytes);
        var gzip = Path.Combine(_temp.FullName, "tricky.log.gz");
        File.WriteAllBytes(gzip, Gzip(bytes));
        var members = Path.Combine(_temp.FullName, "members.log.gz");
        var third = bytes.Length / 3;
        File.WriteAllBytes(members, [.. Gzip(bytes[..third]), .. Gzip(bytes[third..(2 * third)]), .. Gzip(bytes[(2 * third)..])]);

        foreach (var file in new[] { plain, gzip, members })
        {
            var (exitCode, stdout, stderr) = RunForBytes("robots", file, "--count");
            Assert.True(exitCode == 0, stderr);
            Assert.Equal(Format(expected.Hits), Encoding.Latin1.GetString(stdout));
            Assert.Equal($"{file}: {expected.Malformed} malformed lines (fewer than 7 fields), skipped\n", stderr);
        }
    }

    [Fact]
    public void Two_gzip_members_concatenated_are_both_scanned()
    {
        var first = "1.1.1.1 - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt HTTP/1.1\" 200 10\n"u8.ToArray();
        var second = "2.2.2.2 - - [17/Dec/2012:00:00:02 -0600] \"GET /robots.txt HTTP/1.1\" 200 10\n"u8.ToArray();
        var file = Path.Combine(_temp.FullName, "two.log.gz");
        File.WriteAllBytes(file, [.. Gzip(first), .. Gzip(second)]);

        var result = ThreadworkProcess.Run("robots", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1.1.1.1\n2.2.2.2\n", result.Stdout);
    }

    [Fact]
    public void A_truncated_gzip_is_reported_with_how_far_it_got_and_the_other_files_are_still_scanned()
    {
        var good = Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).ToArray();
        var whole = File.ReadAllBytes(good[0]);
        var cut = Path.Combine(_temp.FullName, "cut.log.gz");
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);
        var alone = ThreadworkProcess.Run("robots", good[1]);

        var result = ThreadworkProcess.Run("robots", cut, good[1]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches($@"^{Regex(cut)}: truncated gzip data: the data ends inside a gzip member; {whole.Length / 2:N0} of {whole.Length / 2:N0} compressed bytes read, [1-9][\d,]+ bytes inflated; [1-9][\d,]+ lines scanned before it\n$", result.Stderr);
        Assert.StartsWith(alone.Stdout.Split('\n')[0], result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Lines.Length >= alone.Lines.Length, result.ToString());
    }

    [Fact]
    public void Every_cut_of_a_multi_member_gzip_file_is_reported_as_truncated_except_between_members()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40).Select(i => $"10.0.0.{i} - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt HTTP/1.1\" 200 {i}\n")));
        var first = Gzip(text[..1000]);
        var both = (byte[])[.. first, .. Gzip(text[1000..])];
        var cuts = Enumerable.Range(1, both.Length - 1).Where(c => c != first.Length).ToArray();
        foreach (var c in cuts)
        {
            File.WriteAllBytes(Path.Combine(_temp.FullName, $"cut-{c:D5}.log.gz"), both[..c]);
        }

        var result = ThreadworkProcess.Run("robots", _temp.FullName, "--serial");
        Assert.True(result.ExitCode == 1, result.ToString());
        var reports = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cuts.Length, reports.Length);
        Assert.All(reports, r => Assert.Contains(": truncated gzip data: the data ends inside a gzip member; ", r, StringComparison.Ordinal));
    }

    [Fact]
    public void A_corrupt_gzip_is_reported_with_how_far_it_got_and_exits_1()
    {
        var good = Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(good);
        for (var i = bytes.Length / 2; i < (bytes.Length / 2) + 64; i++)
        {
            bytes[i] ^= 0x5a;
        }

        var corrupt = Path.Combine(_temp.FullName, "corrupt.log.gz");
        File.WriteAllBytes(corrupt, bytes);
        var result = ThreadworkProcess.Run("robots", corrupt);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches($@"^{Regex(corrupt)}: corrupt gzip data: [^;\n]+; [\d,]+ of {bytes.Length:N0} compressed bytes read, [1-9][\d,]+ bytes inflated; [1-9][\d,]+ lines scanned before it(, [\d,]+ of them malformed)?\n$", result.Stderr);
    }

    [Fact]
    public void Short_and_empty_lines_are_counted_as_malformed_and_the_good_lines_still_count()
    {
        var file = Path.Combine(_temp.FullName, "short.log");
        File.WriteAllText(file, "1.1.1.1 - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt HTTP/1.1\" 200 10\n\nonly three fields\n   \n2.2.2.2 - - [x y] \"GET /robots.txt\n3.3.3.3 - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt");
        var result = ThreadworkProcess.Run("robots", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1.1.1.1\n2.2.2.2\n3.3.3.3\n", result.Stdout);
        Assert.Equal($"{file}: 3 malformed lines (fewer than 7 fields), skipped\n", result.Stderr);
    }

    [Fact]
    public void Binary_garbage_never_crashes_it()
    {
        var random = new Random(5);
        var garbage = new byte[3 << 20];
        random.NextBytes(garbage);
        var plain = Path.Combine(_temp.FullName, "garbage.log");
        File.WriteAllBytes(plain, garbage);
        var notGzip = Path.Combine(_temp.FullName, "garbage.log.gz");
        File.WriteAllBytes(notGzip, garbage.AsSpan(0, 1000).ToArray().Prepend((byte)0).ToArray());
        var wellFramed = Path.Combine(_temp.FullName, "framed.log.gz");
        File.WriteAllBytes(wellFramed, Gzip(garbage));

        var result = ThreadworkProcess.Run("robots", plain, notGzip, wellFramed);
        Assert.True(result.ExitCode == 1, result.ToString());
        var reports = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, reports.Length);
        Assert.Matches($@"^{Regex(plain)}: \d+ malformed lines \(fewer than 7 fields\), skipped$", reports[0]);
        Assert.Equal($"{notGzip}: corrupt gzip data: it is not in gzip format (no gzip magic number); 0 lines scanned before it", reports[1]);
        Assert.Equal(reports[0].Replace(plain, wellFramed, StringComparison.Ordinal), reports[2]);
    }

    [Fact]
    public void An_empty_file_is_noted_and_finds_nothing()
    {
        var plain = Path.Combine(_temp.FullName, "empty.log");
        var gzip = Path.Combine(_temp.FullName, "empty.log.gz");
        File.WriteAllBytes(plain, []);
        File.WriteAllBytes(gzip, []);
        var result = ThreadworkProcess.Run("robots", _temp.FullName);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal($"{plain}: empty file\n{gzip}: empty file\n", result.Stderr);
    }

    [Fact]
    public void A_line_longer_than_a_buffer_is_one_line_and_the_next_line_is_still_found()
    {
        var file = Path.Combine(_temp.FullName, "long.log");
        var text = "9.9.9.9 - - [d z] \"GET /robots.txt " + new string('x', 600_000) + "\n8.8.8.8 - - [d z] \"GET /robots.txt HTTP/1.1\"\n" + new string('y', 300_000) + "\n";
        File.WriteAllBytes(file, Gzip(Encoding.ASCII.GetBytes(text)));
        var result = ThreadworkProcess.Run("robots", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("8.8.8.8\n9.9.9.9\n", result.Stdout);
        Assert.Equal($"{file}: 1 malformed lines (fewer than 7 fields), skipped\n", result.Stderr);
    }

    [Fact]
    public async Task Standard_input_is_read_with_a_dash_gzip_or_plain()
    {
        var gzipped = File.ReadAllBytes(Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First());
        var expected = ThreadworkProcess.Run("robots", Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First());
        foreach (var input in new[] { gzipped, Gunzip(gzipped) })
        {
            using var process = ThreadworkProcess.Start("robots", "-");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Equal(expected.Stdout, await stdout);
            Assert.True(expected.Lines.Length > 10);
        }
    }

    [Fact]
    public void Json_lists_the_hosts_with_their_hits_and_the_totals()
    {
        var result = ThreadworkProcess.Run("robots", SharedData.Logs2012, "--format", "json", "--count");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal("/robots.txt", root.GetProperty("path").GetString());
        Assert.Equal(14, root.GetProperty("files").GetInt32());
        Assert.Equal(273_409, root.GetProperty("lines").GetInt64());
        Assert.Equal(0, root.GetProperty("malformed").GetInt64());
        var hosts = root.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()).ToArray();
        Assert.Equal(File.ReadAllLines(SharedData.Logs2012Expected), hosts);
        Assert.All(root.GetProperty("hosts").EnumerateArray(), h => Assert.True(h.GetProperty("hits").GetInt64() >= 1));
    }

    [Theory]
    [InlineData("robots /no/such/dir", "threadwork robots: /no/such/dir: no such file or directory")]
    [InlineData("robots --serial --parallel 2 .", "--serial and --parallel cannot be used together")]
    [InlineData("robots --parallel 0 .", "--parallel must be 1 or more, but was 0")]
    [InlineData("robots --format xml .", "xml")]
    [InlineData("gen-logs /tmp/x --malformed-rate 2", "--malformed-rate must be a number from 0 to 1, but was '2'")]
    [InlineData("cpu --threads 1,0", "--threads must be thread counts from 1 to 1024 separated by commas, but '0' in '1,0' is not one")]
    [InlineData("cpu --work 0", "--work must be a whole number of steps, 1 or more, but was '0'")]
    public void Bad_paths_and_values_exit_2_naming_what_was_wrong(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(arguments.Split(' '));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void A_directory_without_logs_exits_2()
    {
        var result = ThreadworkProcess.Run("robots", _temp.FullName);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal($"threadwork robots: {_temp.FullName}: the directory holds no *.log.gz or *.log files\n", result.Stderr);
    }

    [Fact]
    public void Cpu_prints_a_row_per_thread_count_with_the_speedup_against_one_thread()
    {
        var result = ThreadworkProcess.Run("cpu", "--threads", "2,3", "--work", "3000000");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.Lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\W*\d+\W+[\d,]+\W+[\d,]+ ms\W+\d+\.\d\dx\W*$")).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Matches(@"^\W*1\W+3,000,000\W.*\W1\.00x\W*$", rows[0]);
        Assert.Matches(@"^\W*2\W+1,500,000\W", rows[1]);
        Assert.Matches(@"^\W*3\W+1,000,000\W", rows[2]);
        Assert.Contains("No GIL in .NET", result.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The recipe's parse, done the slow obvious way: split every line on white space.</summary>
    private static (Dictionary<string, long> Hits, long Malformed) Reference(IEnumerable<string> lines, string path)
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

    private static string Format(Dictionary<string, long> hits) =>
        string.Concat(hits.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} {h.Value}\n"));

    /// <summary>Runs the tool and keeps its standard output as bytes: hosts are written as the log's bytes, which need not be UTF-8.</summary>
    private static (int ExitCode, byte[] Stdout, string Stderr) RunForBytes(params string[] args)
    {
        using var process = ThreadworkProcess.Start(args);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(stdout);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)));
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static byte[] Gzip(byte[] text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(text);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] gzipped)
    {
        using var input = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}

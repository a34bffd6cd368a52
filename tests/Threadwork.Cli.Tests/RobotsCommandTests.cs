using System.Text;
using System.Text.Json;

namespace Threadwork.Cli.Tests;

/// <summary>threadwork robots, gen-logs and cpu on good input: the right hosts, whatever the mode.</summary>
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
        var lines = Directory.GetFiles(SharedData.Logs2012, "*.log.gz").SelectMany(f => Encoding.Latin1.GetString(LogFiles.Gunzip(File.ReadAllBytes(f))).Split('\n'));
        var expected = LogFiles.Reference(lines, "/favicon.ico");

        var result = ThreadworkProcess.Run("robots", SharedData.Logs2012, "--path", "/favicon.ico", "--count");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(LogFiles.Format(expected.Hits), result.Stdout);
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
        var expected = LogFiles.Reference(Encoding.Latin1.GetString(bytes).Split('\n'), "/robots.txt");
        Assert.True(expected.Hits.Count > 100 && expected.Malformed > 1000);

        var plain = Path.Combine(_temp.FullName, "tricky.log");
        File.WriteAllBytes(plain, bytes);
        var gzip = Path.Combine(_temp.FullName, "tricky.log.gz");
        File.WriteAllBytes(gzip, LogFiles.Gzip(bytes));
        var members = Path.Combine(_temp.FullName, "members.log.gz");
        var third = bytes.Length / 3;
        File.WriteAllBytes(members, [.. LogFiles.Gzip(bytes[..third]), .. LogFiles.Gzip(bytes[third..(2 * third)]), .. LogFiles.Gzip(bytes[(2 * third)..])]);

        foreach (var file in new[] { plain, gzip, members })
        {
            var (exitCode, stdout, stderr) = LogFiles.RunForBytes("robots", file, "--count");
            Assert.True(exitCode == 0, stderr);
            Assert.Equal(LogFiles.Format(expected.Hits), Encoding.Latin1.GetString(stdout));
            Assert.Equal($"{file}: {expected.Malformed} malformed lines (fewer than 7 fields), skipped\n", stderr);
        }
    }

    [Fact]
    public void Two_gzip_members_concatenated_are_both_scanned()
    {
        var first = "1.1.1.1 - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt HTTP/1.1\" 200 10\n"u8.ToArray();
        var second = "2.2.2.2 - - [17/Dec/2012:00:00:02 -0600] \"GET /robots.txt HTTP/1.1\" 200 10\n"u8.ToArray();
        var file = Path.Combine(_temp.FullName, "two.log.gz");
        File.WriteAllBytes(file, [.. LogFiles.Gzip(first), .. LogFiles.Gzip(second)]);

        var result = ThreadworkProcess.Run("robots", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("1.1.1.1\n2.2.2.2\n", result.Stdout);
    }

    [Fact]
    public async Task Standard_input_is_read_with_a_dash_gzip_or_plain()
    {
        var gzipped = File.ReadAllBytes(Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First());
        var expected = ThreadworkProcess.Run("robots", Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First());
        foreach (var input in new[] { gzipped, LogFiles.Gunzip(gzipped) })
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
}

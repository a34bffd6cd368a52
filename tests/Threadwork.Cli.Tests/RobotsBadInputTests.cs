using System.Text;

namespace Threadwork.Cli.Tests;

/// <summary>threadwork robots on bad input: each problem is reported with the file and how far it got, nothing else is lost.</summary>
public sealed class RobotsBadInputTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("threadwork-robots-");

    public void Dispose() => _temp.Delete(recursive: true);

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
        Assert.Matches($@"^{LogFiles.Regex(cut)}: truncated gzip data: the data ends inside a gzip member; {whole.Length / 2:N0} of {whole.Length / 2:N0} compressed bytes read, [1-9][\d,]+ bytes inflated; [1-9][\d,]+ lines scanned before it\n$", result.Stderr);
        Assert.StartsWith(alone.Stdout.Split('\n')[0], result.Stdout, StringComparison.Ordinal);
        Assert.True(result.Lines.Length >= alone.Lines.Length, result.ToString());
    }

    [Fact]
    public void Every_cut_of_a_multi_member_gzip_file_is_reported_as_truncated_except_between_members()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 40).Select(i => $"10.0.0.{i} - - [17/Dec/2012:00:00:01 -0600] \"GET /robots.txt HTTP/1.1\" 200 {i}\n")));
        var first = LogFiles.Gzip(text[..1000]);
        var both = (byte[])[.. first, .. LogFiles.Gzip(text[1000..])];
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
        Assert.Matches($@"^{LogFiles.Regex(corrupt)}: corrupt gzip data: [^;\n]+; [\d,]+ of {bytes.Length:N0} compressed bytes read, [1-9][\d,]+ bytes inflated; [1-9][\d,]+ lines scanned before it(, [\d,]+ of them malformed)?\n$", result.Stderr);
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
        File.WriteAllBytes(wellFramed, LogFiles.Gzip(garbage));

        var result = ThreadworkProcess.Run("robots", plain, notGzip, wellFramed);
        Assert.True(result.ExitCode == 1, result.ToString());
        var reports = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, reports.Length);
        Assert.Matches($@"^{LogFiles.Regex(plain)}: \d+ malformed lines \(fewer than 7 fields\), skipped$", reports[0]);
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
        File.WriteAllBytes(file, LogFiles.Gzip(Encoding.ASCII.GetBytes(text)));
        var result = ThreadworkProcess.Run("robots", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("8.8.8.8\n9.9.9.9\n", result.Stdout);
        Assert.Equal($"{file}: 1 malformed lines (fewer than 7 fields), skipped\n", result.Stderr);
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
}

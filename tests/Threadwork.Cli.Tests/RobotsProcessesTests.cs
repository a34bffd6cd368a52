using System.Text;

namespace Threadwork.Cli.Tests;

/// <summary>threadwork robots --processes: the scan in worker processes prints what the thread form prints, problems and exit codes included.</summary>
public sealed class RobotsProcessesTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("threadwork-robots-processes-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public void On_the_recipe_logs_two_processes_print_exactly_the_378_expected_hosts()
    {
        var result = ThreadworkProcess.Run("robots", "--processes", "2", SharedData.Logs2012);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(File.ReadAllText(SharedData.Logs2012Expected), result.Stdout);
        Assert.Equal(378, result.Lines.Length);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Bad_files_give_the_thread_forms_output_problem_lines_and_exit_code()
    {
        var good = Directory.GetFiles(SharedData.Logs2012, "*.log.gz").Order(StringComparer.Ordinal).First();
        var whole = File.ReadAllBytes(good);
        File.WriteAllBytes(Path.Combine(_temp.FullName, "cut.log.gz"), whole[..(whole.Length / 3)]);
        File.WriteAllBytes(Path.Combine(_temp.FullName, "good.log.gz"), whole);
        File.WriteAllText(Path.Combine(_temp.FullName, "not-gzip.log.gz"), "plain text\n");
        File.WriteAllText(Path.Combine(_temp.FullName, "empty.log"), string.Empty);
        File.WriteAllBytes(Path.Combine(_temp.FullName, "short.log"), Encoding.ASCII.GetBytes("a b c\n\n10.0.0.1 - - [d -0700] \"GET /robots.txt HTTP/1.0\" 200 1\n"));

        var threads = ThreadworkProcess.Run("robots", "--count", _temp.FullName);
        var processes = ThreadworkProcess.Run("robots", "--count", "--processes", "2", _temp.FullName);
        Assert.True(threads.ExitCode == 1, threads.ToString());
        Assert.Equal(threads.ExitCode, processes.ExitCode);
        Assert.Equal(threads.Stdout, processes.Stdout);
        Assert.Equal(threads.Stderr, processes.Stderr);
        Assert.Contains("10.0.0.1 1", processes.Stdout, StringComparison.Ordinal);
        Assert.Contains("cut.log.gz: truncated gzip data", processes.Stderr, StringComparison.Ordinal);
        Assert.Contains("short.log: 2 malformed lines (fewer than 7 fields), skipped", processes.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("robots --processes 2 --parallel 2 .", "--processes and --parallel cannot be used together")]
    [InlineData("robots --processes 2 --serial .", "--processes and --serial cannot be used together")]
    [InlineData("robots --processes 0 .", "--processes must be 1 or more, but was 0")]
    [InlineData("robots --processes two .", "--processes: 'two' is not a whole number")]
    [InlineData("robots --processes 2 -", "threadwork robots: --processes cannot scan standard input (-)")]
    public void Bad_uses_exit_2_naming_what_was_wrong(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(arguments.Split(' '));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }
}

namespace Threadwork.Cli.Tests;

public class ActorsCommandTests
{
    [Fact]
    public void Actors_prints_the_recipes_lines_then_a_restart_and_a_dead_letter_each_explained()
    {
        var result = ThreadworkProcess.Run("actors", "--spawn", "20000");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;
        Assert.Equal(["Got: Hello", "Got: World", "Running A 1", "Running B 2 3", "8"], lines.Take(5));
        Assert.StartsWith("Restart: 'summer' threw FormatException on \"x\"; supervision restarted it with fresh state", lines[5], StringComparison.Ordinal);
        Assert.EndsWith("total 7, restarts 1", lines[5], StringComparison.Ordinal);
        Assert.StartsWith("Dead letter: \"late\" was sent to 'printer' after Close", lines[6], StringComparison.Ordinal);
        Assert.Equal("Dead letters counted: 1", lines[7]);
        Assert.Matches(@"^20,000 handler actors started and each handled its one message in \d+ ms on \d+ shared pool threads", lines[8]);
        Assert.Equal(9, lines.Length);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_negative_spawn_count_is_a_usage_error_naming_the_option()
    {
        var result = ThreadworkProcess.Run("actors", "--spawn", "-1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--spawn", result.Stderr, StringComparison.Ordinal);
    }
}

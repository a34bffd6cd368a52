namespace Threadwork.Cli.Tests;

public class UsageTests
{
    [Fact]
    public void Help_lists_every_command_and_exits_0()
    {
        var result = ThreadworkProcess.Run("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "tour", "countdown", "ticker", "gate", "producer-consumer", "counter", "philosophers", "deadlock-demo", "robots", "gen-logs", "cpu" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("countdown")]
    [InlineData("ticker")]
    [InlineData("gate")]
    [InlineData("producer-consumer")]
    [InlineData("counter")]
    [InlineData("philosophers")]
    [InlineData("deadlock-demo")]
    [InlineData("tour")]
    public void Every_command_has_help(string command)
    {
        var result = ThreadworkProcess.Run(command, "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"threadwork {command} [options]", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from -1", "--from must be 0 or more, but was -1")]
    [InlineData("--interval 0s", "--interval must be longer than zero, but was '0s'")]
    [InlineData("--interval 5", "--interval: '5' is not a duration: it has no unit")]
    [InlineData("--interval 5 parsecs", "Unrecognized command or argument 'parsecs'")]
    [InlineData("--interval -2s", "--interval: '-2s' is not a duration: it is negative")]
    [InlineData("--stop-after 3y", "--stop-after: '3y' is not a duration: 'y' is not a unit")]
    [InlineData("--from ten", "--from: 'ten' is not a whole number")]
    [InlineData("--from 99999999999", "--from: '99999999999' is not a whole number")]
    public void A_bad_countdown_value_names_the_option_shows_usage_and_exits_2(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(["countdown", .. arguments.Split(' ')]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("threadwork countdown [options]", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Theory]
    [InlineData("gate --workers 0", "--workers must be 1 or more, but was 0")]
    [InlineData("ticker --interval 0ms", "--interval must be longer than zero")]
    [InlineData("producer-consumer --items -5", "--items must be 0 or more, but was -5")]
    [InlineData("counter --threads 0", "--threads must be 1 or more, but was 0")]
    public void Bad_values_of_other_commands_exit_2_naming_the_option(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(arguments.Split(' '));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_exits_2_and_names_it()
    {
        var result = ThreadworkProcess.Run("launch-rockets");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'launch-rockets'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Stderr, StringComparison.Ordinal);
    }
}

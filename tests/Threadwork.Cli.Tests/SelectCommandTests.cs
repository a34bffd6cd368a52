namespace Threadwork.Cli.Tests;

public class SelectCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Select_prints_the_recipes_four_lines_each_once_10_before_15_then_a_mixed_wait(bool useAsync)
    {
        var result = useAsync ? ThreadworkProcess.Run("select", "--async") : ThreadworkProcess.Run("select");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;

        var recipe = lines.TakeWhile(l => !l.StartsWith("One consumer waiting", StringComparison.Ordinal)).Where(l => l.StartsWith("Got: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Got: 1", "Got: 10", "Got: 15", "Got: hello"], recipe.Order(StringComparer.Ordinal));
        Assert.True(recipe.IndexOf("Got: 10") < recipe.IndexOf("Got: 15"), result.ToString());
        Assert.Contains("Consumer done: every queue closed and drained, each item taken once, 10 before 15", lines);

        var mixed = lines.SkipWhile(l => !l.StartsWith("One consumer waiting on queue 'commands' and socket 127.0.0.1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "Got: start (from queue 'commands')",
                "Readable: received \"ping\" from the socket",
                "Readable: the peer closed the connection (end of stream)",
                "Got: stop (from queue 'commands')",
                "Queue 'commands' closed",
                "Consumer done: the queue closed and the socket at its end",
            ],
            mixed.Skip(1));
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_bad_option_is_a_usage_error()
    {
        var result = ThreadworkProcess.Run("select", "--rounds", "3");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--rounds", result.Stderr, StringComparison.Ordinal);
    }
}

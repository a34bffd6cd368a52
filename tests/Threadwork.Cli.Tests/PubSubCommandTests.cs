namespace Threadwork.Cli.Tests;

public class PubSubCommandTests
{
    [Fact]
    public void Pubsub_prints_the_recipes_lines_then_failures_patterns_and_queued_delivery()
    {
        var result = ThreadworkProcess.Run("pubsub");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [
                "Exchange 'name': task_a and task_b attached",
                "task_a got 'msg1'",
                "task_b got 'msg1'",
                "task_a got 'msg2'",
                "task_b got 'msg2'",
                "task_a and task_b detached",
                "Sent 'msg3': nobody received it (task_a and task_b still have 2 messages each)",
                "DisplayMessages attached",
                "msg[1]: 'msg1'",
                "msg[2]: 'msg2'",
                "msg[3]: 'msg3'",
                "A subscriber that throws stops nobody:",
                "first got 'boom'",
                "fault hook: flaky threw on 'boom': InvalidOperationException: flaky refuses 'boom'",
                "last got 'boom'",
                "Pattern subscription 'orders.*':",
                "orders.* got 'order 1 created'",
                "orders.* got 'order 1 paid'",
                "orders.* saw 2 of 3 messages ('user 1 joined' went to users.new, which it does not match)",
                "Queued delivery: slow (backlog 3, drop oldest) and fast (backlog 20)",
                "fast got all 20 messages while slow was stuck on message 1",
                "slow got 1, 18, 19, 20; dropped 16",
            ],
            result.Lines);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void A_backlog_larger_than_the_messages_drops_nothing()
    {
        var result = ThreadworkProcess.Run("pubsub", "--messages", "5", "--backlog", "10");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["Queued delivery: slow (backlog 10, drop oldest) and fast (backlog 5)", "fast got all 5 messages while slow was stuck on message 1", "slow got 1, 2, 3, 4, 5; dropped 0"],
            result.Lines[^3..]);
    }

    [Theory]
    [InlineData("--backlog 0", "--backlog must be 1 or more, but was 0")]
    [InlineData("--messages lots", "--messages: 'lots' is not a whole number")]
    public void A_bad_value_names_the_option_shows_usage_and_exits_2(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(["pubsub", .. arguments.Split(' ')]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("threadwork pubsub [command] [options]", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void Pubsub_has_help_and_is_listed()
    {
        var help = ThreadworkProcess.Run("pubsub", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("threadwork pubsub [command] [options]", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("pubsub", ThreadworkProcess.Run("--help").Stdout, StringComparison.Ordinal);
    }
}

namespace Threadwork.Cli.Tests;

public class QueueCommandTests
{
    [Fact]
    public void Producer_consumer_delivers_every_item_once_then_shuts_every_consumer_down()
    {
        var result = ThreadworkProcess.Run("producer-consumer", "--producers", "3", "--consumers", "4", "--items", "200");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;
        var got = lines.Where(l => l.StartsWith("Got: ", StringComparison.Ordinal)).Select(l => int.Parse(l[5..], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(1, 200), got);

        var joined = Array.IndexOf(lines, "All 200 items done (queue joined)");
        Assert.True(joined > 0, result.ToString());
        Assert.DoesNotContain(lines[(joined + 1)..], l => l.StartsWith("Got: ", StringComparison.Ordinal));
        Assert.Equal(4, lines.Count(l => l == "Consumer shutting down"));
        Assert.Equal("200 items put by 3 producers, each consumed exactly once by 4 consumers", lines[^1]);
    }

    [Fact]
    public void Priority_brings_A_B_C_D_out_in_order()
    {
        var result = ThreadworkProcess.Run("producer-consumer", "--priority");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["Got: A", "Got: B", "Got: C", "Got: D", "Consumer done"], result.Lines.SkipWhile(l => l.StartsWith("Put:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Counter_ends_at_zero_and_looks_good()
    {
        var result = ThreadworkProcess.Run("counter", "--threads", "3", "--iterations", "200000");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SharedCounter final value: 0", result.Lines);
        Assert.Equal("Looks good!", result.Lines[^1]);
        Assert.Matches(@"^Without a lock: 3 threads x 200,000 increments ended at [\d,]+ of 600,000", result.Lines[0]);
    }
}

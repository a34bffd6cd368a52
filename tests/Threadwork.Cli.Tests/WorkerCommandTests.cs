namespace Threadwork.Cli.Tests;

public class WorkerCommandTests
{
    [Fact]
    public void Countdown_prints_the_recipes_lines_in_order()
    {
        var result = ThreadworkProcess.Run("countdown", "--from", "3", "--interval", "50ms");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["Launching countdown", "countdown starting", "countdown is running", "T-minus 3", "T-minus 2", "T-minus 1", "Completed"],
            result.Lines);
    }

    [Fact]
    public void Countdown_with_stop_after_stops_and_joins_the_worker()
    {
        var result = ThreadworkProcess.Run("countdown", "--from", "1000", "--interval", "20ms", "--stop-after", "200ms");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;

        // The worker may print one more step while the main thread announces the stop, never after it joined.
        var steps = lines.Where(l => l.StartsWith("T-minus", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["Launching countdown", "countdown starting", "countdown is running", "Still running", "About to terminate", "Terminated"],
            lines.Except(steps));
        Assert.Equal("Terminated", lines[^1]);
        Assert.Equal("T-minus 1000", lines[3]);
        Assert.Equal(Enumerable.Range(0, steps.Length).Select(i => $"T-minus {1000 - i}"), steps);
        Assert.InRange(steps.Length, 1, 999);
    }

    [Fact]
    public void Sigterm_stops_the_countdown_cleanly_with_exit_130()
    {
        using var process = ThreadworkProcess.Start("countdown", "--from", "100", "--interval", "10s");
        var seen = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            seen.Add(line);
            if (line == "T-minus 100")
            {
                break;
            }
        }

        Assert.Contains("countdown is running", seen);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "threadwork did not exit after SIGTERM");
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("interrupted; workers stopped and joined", process.StandardError.ReadToEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("T-minus 99", process.StandardOutput.ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Ticker_steps_both_workers_once_per_tick()
    {
        var result = ThreadworkProcess.Run("ticker", "--interval", "30ms", "--from", "4", "--count-to", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;
        Assert.Equal(["T-minus 4", "T-minus 3", "T-minus 2", "T-minus 1"], lines.Where(l => l.StartsWith("T-minus", StringComparison.Ordinal)));
        Assert.Equal(["Counting 0", "Counting 1", "Counting 2"], lines.Where(l => l.StartsWith("Counting", StringComparison.Ordinal)));
        Assert.Matches(@"^\d+ ticks of 30ms$", lines[^1]);
    }

    [Fact]
    public void Gate_lets_each_worker_through_exactly_once_one_release_at_a_time()
    {
        var result = ThreadworkProcess.Run("gate", "--workers", "6", "--interval", "0s");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines;
        Assert.Equal("6 workers waiting at the gate", lines[0]);

        // After the heading, each release is followed by exactly one worker getting through.
        for (var release = 1; release <= 6; release++)
        {
            Assert.Equal($"Release {release} of 6", lines[(release * 2) - 1]);
            Assert.StartsWith("Working ", lines[release * 2], StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(0, 6).Select(n => $"Working {n}"), lines.Where(l => l.StartsWith("Working", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal("All workers passed the gate", lines[^1]);
    }
}

namespace Threadwork.Cli.Tests;

public class TourTests
{
    [Fact]
    public void Tour_runs_every_landed_recipe_under_its_heading()
    {
        var result = ThreadworkProcess.Run("tour", "--fast");
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var heading in new[]
        {
            "12.1 Starting and stopping threads",
            "12.2 Determining if a thread has started",
            "12.3 Communicating between threads",
            "12.4 Locking critical sections",
            "12.5 Locking with deadlock avoidance",
            "12.14 Launching a daemon process on Unix",
        })
        {
            Assert.Contains(heading, result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("T-minus 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Join re-threw the worker's fault: FormatException", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Looks good!", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("All 5 philosophers ate 20 meals each", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("'y_lock' -> 'x_lock' -> 'y_lock'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stop: SIGTERM -> Stopped; pid file removed: yes; status now NotRunning", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }
}

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
            "12.6 Storing thread-specific state",
            "12.7 Creating a thread pool",
            "12.12 Using generators as an alternative to threads",
            "12.13 Polling multiple thread queues",
            "12.8 Performing simple parallel programming",
            "12.9 Dealing with the GIL",
            "12.11 Implementing publish/subscribe messaging",
            "12.10 Defining an actor task",
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
        Assert.Contains("Thread-2: its own socket (port ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("server: All 2 workers are busy: new clients wait", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("client received: GOT:from one thread", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Got: hello", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Both found exactly the hosts the logs were written with.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No GIL in .NET", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("5 of 6 jobs completed; the dead worker was replaced", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("msg[3]: 'msg3'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Running B 2 3", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stop: SIGTERM -> Stopped; pid file removed: yes; status now NotRunning", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }
}

namespace Threadwork.Cli.CommandLine;

/// <summary>How every command ends when Ctrl-C or SIGTERM arrives: its demo stops its workers and joins them, then the tool says so and exits 130.</summary>
internal static class Interrupts
{
    /// <summary>The exit code after an interrupt (128 + SIGINT, as shells report it).</summary>
    public const int ExitCode = 130;

    /// <summary>Runs <paramref name="demo"/>; returns 0 when it completes, <see cref="ExitCode"/> when <paramref name="cancellationToken"/> interrupted it.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task> demo, CancellationToken cancellationToken)
    {
        try
        {
            await demo(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("threadwork: interrupted; workers stopped and joined").ConfigureAwait(false);
            return ExitCode;
        }
    }
}

namespace Threadwork.Cli.CommandLine;

/// <summary>How every command ends when Ctrl-C or SIGTERM arrives: its demo stops its workers and joins them, then the tool says so and exits 130.</summary>
internal static class Interrupts
{
    /// <summary>The exit code after an interrupt (128 + SIGINT, as shells report it).</summary>
    public const int ExitCode = 130;

    /// <summary>Runs <paramref name="demo"/>; returns 0 when it completes, <see cref="ExitCode"/> when <paramref name="cancellationToken"/> interrupted it.</summary>
    public static Task<int> RunAsync(Func<CancellationToken, Task> demo, CancellationToken cancellationToken) =>
        RunAsync(async token =>
        {
            await demo(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Runs a demo that checks its own outcome: 0 when it reports success, 1 when it reports a wrong result, <see cref="ExitCode"/> when interrupted.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<bool>> demo, CancellationToken cancellationToken)
    {
        try
        {
            return await demo(cancellationToken).ConfigureAwait(false) ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("threadwork: interrupted; workers stopped and joined").ConfigureAwait(false);
            return ExitCode;
        }
    }

    /// <summary>Runs a command that decides its own exit code; returns it, or <see cref="ExitCode"/> when interrupted.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            return await command(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("threadwork: interrupted; workers stopped and joined").ConfigureAwait(false);
            return ExitCode;
        }
    }
}

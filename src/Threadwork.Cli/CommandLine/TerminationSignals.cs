using System.Runtime.InteropServices;

namespace Threadwork.Cli.CommandLine;

/// <summary>
/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancelled <see cref="Token"/> from the moment it is created, so a
/// command is interrupted gracefully even by a signal that arrives on its first instruction.
/// </summary>
/// <remarks>
/// System.CommandLine installs its own handlers only after the command's action has returned its first
/// incomplete task; a server that prints "running at" before its first await could be killed outright
/// (exit 143, nothing closed) by a SIGTERM sent as soon as that line was read. Created before the command
/// starts, these handlers leave no such window.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    private const int SigtermExitCode = 143;

    private readonly CancellationTokenSource cancel = new();
    private readonly TaskCompletionSource<int> forcedExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan grace;
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int signalled;

    /// <summary>Installs the handlers.</summary>
    /// <param name="grace">How long a command may take to stop after the first signal before <see cref="ForcedExit"/> completes.</param>
    public TerminationSignals(TimeSpan grace)
    {
        this.grace = grace;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>Completes with 130 (SIGINT) or 143 (SIGTERM) when a command is still running <c>grace</c> after the first signal; never otherwise.</summary>
    public Task<int> ForcedExit => forcedExit.Task;

    /// <summary>Runs <paramref name="command"/> with <see cref="Token"/>; returns its exit code, or the forced one if it does not stop in time after a signal.</summary>
    public async Task<int> RunAsync(Func<CancellationToken, Task<int>> command)
    {
        var running = command(Token);
        return await await Task.WhenAny(running, ForcedExit).ConfigureAwait(false);
    }

    /// <summary>Removes the handlers: a signal after this has its default effect.</summary>
    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The default would end the process at once; the command stops itself instead.
        context.Cancel = true;
        if (Interlocked.Exchange(ref signalled, 1) != 0)
        {
            return;
        }

        var code = context.Signal == PosixSignal.SIGINT ? Interrupts.ExitCode : SigtermExitCode;
        cancel.Cancel();
        _ = Task.Delay(grace).ContinueWith(_ => forcedExit.TrySetResult(code), TaskScheduler.Default);
    }
}

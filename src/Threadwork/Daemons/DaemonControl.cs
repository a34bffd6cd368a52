using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Threadwork.Daemons;

/// <summary>Stops a daemon from outside, by its pid file: SIGTERM, a bounded wait for the pid file's lock to be released, optionally SIGKILL.</summary>
/// <example>
/// <code>
/// var result = await DaemonControl.StopAsync(pidPath, TimeSpan.FromSeconds(10), kill: false, token);
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public static class DaemonControl
{
    /// <summary>How often the lock is probed while waiting: another process's exit has no handle to await.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Sends SIGTERM to the daemon holding <paramref name="pidFilePath"/> and waits until it releases the lock.</summary>
    /// <param name="pidFilePath">The daemon's pid file.</param>
    /// <param name="timeout">How long to wait after SIGTERM (and again after SIGKILL).</param>
    /// <param name="kill">Send SIGKILL when SIGTERM did not stop it within <paramref name="timeout"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What happened, and the pid.</returns>
    /// <exception cref="IOException">The pid file is a symbolic link, cannot be read, or is held without a pid.</exception>
    /// <exception cref="UnauthorizedAccessException">This user may not signal the daemon.</exception>
    public static async Task<DaemonStopResult> StopAsync(string pidFilePath, TimeSpan timeout, bool kill, CancellationToken cancellationToken = default)
    {
        var status = PidFile.Probe(pidFilePath);
        if (status.State != PidFileState.Running)
        {
            return new DaemonStopResult(DaemonStopOutcome.NotRunning, status.ProcessId);
        }

        var pid = status.ProcessId ?? throw new IOException($"pid file {pidFilePath} is locked but holds no pid yet; try again");
        Signal(pid, NativeMethods.SigTerm);
        if (await WaitForReleaseAsync(pidFilePath, timeout, cancellationToken).ConfigureAwait(false))
        {
            return new DaemonStopResult(DaemonStopOutcome.Stopped, pid);
        }

        if (!kill)
        {
            return new DaemonStopResult(DaemonStopOutcome.StillRunning, pid);
        }

        Signal(pid, NativeMethods.SigKill);
        return await WaitForReleaseAsync(pidFilePath, timeout, cancellationToken).ConfigureAwait(false)
            ? new DaemonStopResult(DaemonStopOutcome.Killed, pid)
            : new DaemonStopResult(DaemonStopOutcome.StillRunning, pid);
    }

    private static void Signal(int pid, int signal)
    {
        if (NativeMethods.Kill(pid, signal) == 0)
        {
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == NativeMethods.EPerm)
        {
            throw new UnauthorizedAccessException($"not allowed to signal the daemon (pid {pid})");
        }

        // ESRCH: it exited between the probe and the signal, which the wait then sees.
        if (errno != NativeMethods.ESrch)
        {
            throw NativeMethods.Failure($"kill({pid})");
        }
    }

    private static async Task<bool> WaitForReleaseAsync(string pidFilePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (PidFile.Probe(pidFilePath).State == PidFileState.Running)
        {
            if (TimeProvider.System.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

namespace Threadwork.Daemons;

/// <summary>
/// Detaches without fork (which the .NET runtime's threads do not survive): starts this same program again
/// with the given arguments, in a new session, and waits until it holds its pid file and reports ready.
/// </summary>
/// <remarks>
/// The arguments must lead the re-launched program to <see cref="DaemonSession.Enter"/>, which finishes the
/// detach (setsid, working directory, stdio) and sends the report this method waits for.
/// </remarks>
/// <example>
/// <code>
/// var pid = DaemonLauncher.Start(options, ["daemon", "run", "--pidfile", options.PidFilePath], token);
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public static class DaemonLauncher
{
    /// <summary>How long to wait for the child's last words after it closed its report pipe without reporting.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    /// <summary>Starts the daemon and returns its pid once it is ready.</summary>
    /// <param name="options">The pid file, output files and how long to wait (<see cref="DaemonOptions.StartTimeout"/>).</param>
    /// <param name="arguments">The command-line arguments that make this program run as the daemon.</param>
    /// <param name="cancellationToken">Stops waiting (and kills the half-started daemon).</param>
    /// <returns>The daemon's pid, as written in its pid file.</returns>
    /// <exception cref="DaemonAlreadyRunningException">A daemon already holds the pid file.</exception>
    /// <exception cref="DaemonStartException">The daemon reported a startup error, died, or was not ready in time.</exception>
    /// <exception cref="IOException">The pid file path is a symbolic link or cannot be read.</exception>
    public static int Start(DaemonOptions options, IEnumerable<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(arguments);

        // A quick answer for the common case; the lock the child takes is what decides a race.
        var status = PidFile.Probe(options.PidFilePath);
        if (status.State == PidFileState.Running)
        {
            throw new DaemonAlreadyRunningException(status.ProcessId);
        }

        using var child = Process.Start(StartInfo(arguments))
            ?? throw new DaemonStartException("the daemon process could not be started");
        var errors = child.StandardError.ReadToEndAsync(CancellationToken.None);
        string? report;
        try
        {
            report = ReadReportAsync(child.StandardOutput, cancellationToken)
                .WaitAsync(options.StartTimeout, cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception timeoutOrCancel) when (timeoutOrCancel is TimeoutException or OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            if (timeoutOrCancel is OperationCanceledException)
            {
                throw;
            }

            throw new DaemonStartException($"the daemon did not report ready within {options.StartTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s; it was killed", timeoutOrCancel);
        }

        if (report is not null && report.StartsWith(DaemonSession.ReadyReport, StringComparison.Ordinal)
            && int.TryParse(report.AsSpan(DaemonSession.ReadyReport.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return pid;
        }

        if (report is not null && report.StartsWith(DaemonSession.RunningReport, StringComparison.Ordinal))
        {
            var holder = int.TryParse(report.AsSpan(DaemonSession.RunningReport.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var running) ? running : (int?)null;
            throw new DaemonAlreadyRunningException(holder);
        }

        if (report is not null && report.StartsWith(DaemonSession.ErrorReport, StringComparison.Ordinal))
        {
            throw new DaemonStartException(report[DaemonSession.ErrorReport.Length..]);
        }

        // No report: the child died before (or without) entering the session; its stderr says why.
        var exited = child.WaitForExit(ExitGrace);
        var stderr = errors.IsCompleted ? errors.GetAwaiter().GetResult().Trim() : string.Empty;
        var how = exited ? $"exited with code {child.ExitCode.ToString(CultureInfo.InvariantCulture)}" : "closed its output";
        throw new DaemonStartException(stderr.Length > 0
            ? $"the daemon {how} before it was ready: {stderr}"
            : $"the daemon {how} before it was ready");
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var processPath = Environment.ProcessPath ?? throw new DaemonStartException("the path of this program is unknown");
        var info = new ProcessStartInfo(processPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };

        // Under the dotnet host the program is the entry assembly, which the host received as its first argument.
        if (string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[DaemonSession.ChildVariable] = "1";
        return info;
    }

    /// <summary>The first report line, skipping anything else the program printed first; null when the pipe closed without one.</summary>
    private static async Task<string?> ReadReportAsync(StreamReader output, CancellationToken cancellationToken)
    {
        while (await output.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("threadwork-daemon ", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }
}

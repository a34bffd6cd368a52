using System.Runtime.Versioning;
using Threadwork.Cli.CommandLine;
using Threadwork.Daemons;

namespace Threadwork.Cli.Daemon;

/// <summary>The tour's 12.14: a real daemon started, refused a second time, asked its status, stopped, all in a temporary folder.</summary>
[SupportedOSPlatform("linux")]
internal static class DaemonDemo
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(TimeSpan interval, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("threadwork-daemon-tour-");
        var pidPath = Path.Combine(folder.FullName, "threadwork-daemon.pid");
        var logPath = Path.Combine(folder.FullName, "threadwork-daemon.log");
        var options = new DaemonOptions { PidFilePath = pidPath, StandardOutputPath = logPath, StartTimeout = Bound };
        string[] run = ["daemon", "run", "--pidfile", pidPath, "--log", logPath, "--interval", Durations.Format(interval)];
        try
        {
            var pid = DaemonLauncher.Start(options, run, cancellationToken);
            output.WriteLine($"start: the re-launched program (new session, cwd /, umask 022) holds the pid file locked and is ready: pid {pid}");
            try
            {
                DaemonLauncher.Start(options, run, cancellationToken);
                throw new InvalidOperationException("a second daemon started beside the first");
            }
            catch (DaemonAlreadyRunningException refused)
            {
                output.WriteLine($"a second start is refused: {refused.Message}");
            }

            output.WriteLine($"status: {PidFile.Probe(pidPath).State} (pid {pid})");
            await UntilAsync(() => File.Exists(logPath) && File.ReadLines(logPath).Count(l => l.StartsWith("Daemon Alive!", StringComparison.Ordinal)) >= 2, interval, cancellationToken).ConfigureAwait(false);
            var stop = await DaemonControl.StopAsync(pidPath, Bound, kill: true, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"stop: SIGTERM -> {stop.Outcome}; pid file removed: {(File.Exists(pidPath) ? "no" : "yes")}; status now {PidFile.Probe(pidPath).State}");
            output.WriteLine("the daemon's log:");
            foreach (var line in File.ReadLines(logPath))
            {
                output.WriteLine($"  {line}");
            }
        }
        finally
        {
            // A demo interrupted half-way must not leave a daemon behind.
            if (PidFile.Probe(pidPath).State == PidFileState.Running)
            {
                await DaemonControl.StopAsync(pidPath, Bound, kill: true, CancellationToken.None).ConfigureAwait(false);
            }

            folder.Delete(recursive: true);
        }
    }

    /// <summary>Polls the daemon's log (another process's file has no change signal worth a watcher here), with a bound.</summary>
    private static async Task UntilAsync(Func<bool> condition, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Bound);
        while (!condition())
        {
            await Task.Delay(interval / 2, timeout.Token).ConfigureAwait(false);
        }
    }
}

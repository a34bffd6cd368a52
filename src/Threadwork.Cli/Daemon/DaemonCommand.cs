using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Threadwork.Cli.CommandLine;
using Threadwork.Daemons;

namespace Threadwork.Cli.Daemon;

/// <summary><c>threadwork daemon start|stop|status|restart|run</c>: recipe 12.14's daemon, detached without fork, with a locked pid file.</summary>
internal static class DaemonCommand
{
    /// <summary>LSB status codes: 0 running, 1 dead but the pid file exists, 3 not running, 4 unknown.</summary>
    private const int StatusRunning = 0;
    private const int StatusStale = 1;
    private const int StatusNotRunning = 3;
    private const int StatusUnknown = 4;

    public static Command Create() => new("daemon", "Recipe 12.14: a real Unix daemon (detached, locked pid file, SIGTERM stops it, systemd notify)")
    {
        Sub("start", "Start the daemon in the background; exits 0 once it holds its pid file and is ready"),
        Sub("stop", "Send SIGTERM and wait up to --timeout for the daemon to exit (with --kill, then SIGKILL)"),
        Sub("status", "Say whether the daemon runs: exit 0 running, 1 stale pid file, 3 not running (LSB)"),
        Sub("restart", "Stop the daemon if it runs, then start it"),
        Sub("run", "Run the daemon in the foreground, printing to stdout (for systemd Type=notify)"),
    };

    private static Command Sub(string name, string description)
    {
        var pidFile = new Option<string>("--pidfile") { Description = "The pid file", DefaultValueFactory = _ => DaemonPaths.PidFile, HelpName = "path" };
        var log = new Option<string>("--log") { Description = "The log a started daemon appends to", DefaultValueFactory = _ => DaemonPaths.Log, HelpName = "path" };
        var interval = Options.Duration("--interval", TimeSpan.FromSeconds(10), "Time between 'Daemon Alive!' lines");
        var timeout = Options.Duration("--timeout", TimeSpan.FromSeconds(10), "How long start waits for ready, and stop for the exit");
        var kill = new Option<bool>("--kill") { Description = "stop: send SIGKILL when SIGTERM did not stop it within --timeout" };
        var command = new Command(name, description) { pidFile, log, interval, timeout, kill };
        command.SetAction((parse, token) =>
        {
            if (!OperatingSystem.IsLinux())
            {
                Console.Error.WriteLine("threadwork: daemon needs Linux (setsid, flock)");
                return Task.FromResult(1);
            }

            var settings = new Settings(
                Path.GetFullPath(parse.GetValue(pidFile)!),
                Path.GetFullPath(parse.GetValue(log)!),
                parse.GetValue(interval),
                parse.GetValue(timeout),
                parse.GetValue(kill));
            return name switch
            {
                "start" => Start(settings, token),
                "stop" => Stop(settings, token),
                "status" => Status(settings, token),
                "restart" => Restart(settings, token),
                _ => Run(settings, token),
            };
        });
        return command;
    }

    [SupportedOSPlatform("linux")]
    private static Task<int> Start(Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var pid = DaemonLauncher.Start(settings.Options, settings.RunArguments, cancellationToken);
            Console.Out.WriteLine($"daemon started (pid {pid.ToString(CultureInfo.InvariantCulture)}), log {settings.Log}");
            return Task.FromResult(0);
        }
        catch (DaemonAlreadyRunningException running)
        {
            Console.Error.WriteLine($"threadwork: daemon {running.Message}, pid file {settings.PidFile}");
            return Task.FromResult(1);
        }
        catch (Exception failure) when (failure is DaemonStartException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"threadwork: daemon did not start: {failure.Message}");
            return Task.FromResult(1);
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> Stop(Settings settings, CancellationToken cancellationToken)
    {
        DaemonStopResult result;
        try
        {
            result = await DaemonControl.StopAsync(settings.PidFile, settings.Timeout, settings.Kill, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"threadwork: daemon stop failed: {failure.Message}");
            return 1;
        }

        var pid = result.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var within = Durations.Format(settings.Timeout);
        switch (result.Outcome)
        {
            case DaemonStopOutcome.NotRunning:
                Console.Out.WriteLine("daemon not running");
                return 0;
            case DaemonStopOutcome.Stopped:
                Console.Out.WriteLine($"daemon stopped (pid {pid})");
                return 0;
            case DaemonStopOutcome.Killed:
                Console.Out.WriteLine($"daemon did not stop within {within} of SIGTERM; killed with SIGKILL (pid {pid})");
                return 0;
            default:
                Console.Error.WriteLine($"threadwork: daemon (pid {pid}) did not stop within {within}{(settings.Kill ? " even after SIGKILL" : "; --kill sends SIGKILL")}");
                return 1;
        }
    }

    [SupportedOSPlatform("linux")]
    private static Task<int> Status(Settings settings, CancellationToken cancellationToken)
    {
        PidFileStatus status;
        try
        {
            status = PidFile.Probe(settings.PidFile);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"threadwork: daemon status unknown: {failure.Message}");
            return Task.FromResult(StatusUnknown);
        }

        switch (status.State)
        {
            case PidFileState.Running:
                Console.Out.WriteLine($"daemon running (pid {status.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"}{Uptime(status.ProcessId)})");
                return Task.FromResult(StatusRunning);
            case PidFileState.Stale:
                Console.Out.WriteLine($"daemon not running, stale pid file {settings.PidFile} (pid {status.ProcessId?.ToString(CultureInfo.InvariantCulture)})");
                return Task.FromResult(StatusStale);
            default:
                Console.Out.WriteLine("daemon not running");
                return Task.FromResult(StatusNotRunning);
        }
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> Restart(Settings settings, CancellationToken cancellationToken)
    {
        var stopped = await Stop(settings, cancellationToken).ConfigureAwait(false);
        return stopped != 0 ? stopped : await Start(settings, cancellationToken).ConfigureAwait(false);
    }

    [SupportedOSPlatform("linux")]
    private static async Task<int> Run(Settings settings, CancellationToken cancellationToken)
    {
        DaemonSession session;
        try
        {
            session = DaemonSession.Enter(settings.Options);
        }
        catch (DaemonAlreadyRunningException running)
        {
            await Console.Error.WriteLineAsync($"threadwork: daemon {running.Message}, pid file {settings.PidFile}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"threadwork: daemon did not start: {failure.Message}").ConfigureAwait(false);
            return 1;
        }

        using (session)
        {
            await DaemonProgram.RunAsync(session, settings.Interval, cancellationToken).ConfigureAwait(false);
        }

        if (session.StopSignal is not null && !cancellationToken.IsCancellationRequested)
        {
            // System.CommandLine handles SIGTERM and SIGINT too, on the signal's thread after ours; returning
            // before its handler has cancelled its token lets it cancel a disposed source, which crashes the
            // process (seen as exit 134). So wait, bounded, for its cancellation.
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    private static string Uptime(int? pid)
    {
        if (pid is null)
        {
            return string.Empty;
        }

        try
        {
            using var process = Process.GetProcessById(pid.Value);
            var up = DateTime.Now - process.StartTime;
            return $", up {(int)up.TotalHours}h {up.Minutes}m {up.Seconds}s";
        }
        catch (Exception gone) when (gone is ArgumentException or InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private sealed record Settings(string PidFile, string Log, TimeSpan Interval, TimeSpan Timeout, bool Kill)
    {
        public DaemonOptions Options => new() { PidFilePath = PidFile, StandardOutputPath = Log, StartTimeout = Timeout };

        public string[] RunArguments => ["daemon", "run", "--pidfile", PidFile, "--log", Log, "--interval", Durations.Format(Interval)];
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Threadwork.Cli.Tests;

/// <summary>
/// Real daemons: each test has its own folder, pid file and log (never the default paths, other people's
/// tests share this machine), and Dispose SIGKILLs any daemon a failed test left behind.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DaemonCommandTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly string folder = Directory.CreateTempSubdirectory("threadwork-daemon-tests-").FullName;
    private readonly HashSet<int> daemons = [];

    private string PidFile => Path.Combine(folder, "d.pid");

    private string Log => Path.Combine(folder, "d.log");

    public void Dispose()
    {
        // A test that failed before it learned the daemon's pid still leaves it in the pid file.
        if (File.Exists(PidFile) && int.TryParse(Cat(PidFile), CultureInfo.InvariantCulture, out var held))
        {
            daemons.Add(held);
        }

        foreach (var pid in daemons)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone, as it should be.
            }
            catch (InvalidOperationException)
            {
            }
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Start_status_stop_and_the_log_has_the_recipes_lines()
    {
        var pid = StartDaemon();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(PidFile));

        var status = Daemon("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.StartsWith($"daemon running (pid {pid}, up ", status.Stdout, StringComparison.Ordinal);

        WaitUntil(() => LogLines().Count(l => l.StartsWith("Daemon Alive! ", StringComparison.Ordinal)) >= 2, "the daemon logged twice");
        var stop = Daemon("stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal($"daemon stopped (pid {pid})", stop.Stdout.Trim());
        Assert.False(File.Exists(PidFile), "the pid file is removed on a clean exit");

        var after = Daemon("status");
        Assert.True(after.ExitCode == 3, after.ToString());
        Assert.Equal("daemon not running", after.Stdout.Trim());

        var lines = LogLines();
        Assert.Equal($"Daemon started with pid {pid}", lines[0]);
        Assert.All(lines[1..^1], l => Assert.Matches(@"^Daemon Alive! \w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4}$", l));
        Assert.Equal("Daemon stopping (SIGTERM), pid file removed", lines[^1]);

        var again = Daemon("stop");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("daemon not running", again.Stdout.Trim());
    }

    [Fact]
    public void After_sigkill_status_says_stale_and_start_succeeds_again()
    {
        var first = StartDaemon();
        SendSignal(first, "KILL");
        WaitUntil(() => Daemon("status").ExitCode == 1, "status reports the stale pid file");
        var stale = Daemon("status");
        Assert.Equal($"daemon not running, stale pid file {PidFile} (pid {first})", stale.Stdout.Trim());

        var second = StartDaemon();
        Assert.NotEqual(first, second);
        Assert.Equal(0, Daemon("status").ExitCode);
        Assert.Equal(0, Daemon("stop").ExitCode);
    }

    [Fact]
    public void Of_three_concurrent_starts_exactly_one_runs()
    {
        var starts = Enumerable.Range(0, 3).Select(_ => ThreadworkProcess.Start(["daemon", "start", .. Paths()])).ToArray();
        var results = starts.Select(p =>
        {
            using (p)
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                Assert.True(p.WaitForExit(Bound), "a start did not finish");
                return new ThreadworkProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
            }
        }).ToArray();
        var started = Assert.Single(results, r => r.ExitCode == 0);
        var pid = PidOf(started);
        daemons.Add(pid);
        Assert.All(results.Where(r => r != started), r =>
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Contains($"already running (pid {pid})", r.Stderr, StringComparison.Ordinal);
        });

        Assert.Equal(0, Daemon("stop").ExitCode);
        Assert.Single(LogLines(), l => l.StartsWith("Daemon started", StringComparison.Ordinal));
    }

    [Fact]
    public void Sigterm_stops_it_gracefully_and_removes_the_pid_file_while_sighup_does_not()
    {
        var pid = StartDaemon();

        // Ready means the pid file is held; the program subscribes to SIGHUP just after, before its first line.
        WaitUntil(() => LogLines().Any(l => l.StartsWith("Daemon Alive!", StringComparison.Ordinal)), "the daemon logged");
        SendSignal(pid, "HUP");
        WaitUntil(() => LogLines().Contains("Daemon got SIGHUP: log re-opened"), "the daemon handled SIGHUP");
        Assert.Equal(0, Daemon("status").ExitCode);

        SendSignal(pid, "TERM");
        WaitUntil(() => !File.Exists(PidFile), "the pid file is removed");
        WaitUntil(() => LogLines().LastOrDefault() == "Daemon stopping (SIGTERM), pid file removed", "the daemon logged its stop");
        Assert.Equal(3, Daemon("status").ExitCode);
    }

    [Fact]
    public void Started_under_nohup_it_still_handles_sighup()
    {
        // nohup leaves SIGHUP ignored in what it starts, and .NET respects an inherited ignore: without the
        // session taking SIGHUP back, this SIGHUP would be lost (as it was whenever the suite itself ran
        // under nohup or a shell's trap "" HUP).
        Assert.True(IgnoresSighupUnderNohup(), "precondition: nohup here leaves SIGHUP ignored in what it runs");
        var start = ThreadworkProcess.RunUnder("nohup", ["daemon", "start", .. Paths()]);
        Assert.True(start.ExitCode == 0, start.ToString());
        var pid = PidOf(start);
        daemons.Add(pid);

        WaitUntil(() => LogLines().Any(l => l.StartsWith("Daemon Alive!", StringComparison.Ordinal)), "the daemon logged");
        SendSignal(pid, "HUP");
        WaitUntil(() => LogLines().Contains("Daemon got SIGHUP: log re-opened"), "the daemon handled SIGHUP");
        Assert.Equal(0, Daemon("stop").ExitCode);
        Assert.Equal("Daemon stopping (SIGTERM), pid file removed", LogLines().Last());
    }

    [Fact]
    public void A_log_folder_that_cannot_be_written_fails_the_start_in_the_starting_process()
    {
        var log = Path.Combine(folder, "missing", "d.log");
        var start = ThreadworkProcess.Run("daemon", "start", "--pidfile", PidFile, "--log", log, "--interval", "100ms");
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Equal($"threadwork: daemon did not start: cannot open the log {log}: No such file or directory", start.Stderr.Trim());
        Assert.False(File.Exists(PidFile), "the failed daemon removed its pid file");
        Assert.Equal(3, Daemon("status").ExitCode);
    }

    [Fact]
    public void A_pid_file_that_is_a_symbolic_link_is_refused()
    {
        var target = Path.Combine(folder, "target");
        File.CreateSymbolicLink(PidFile, target);
        var start = Daemon("start");
        Assert.True(start.ExitCode == 1, start.ToString());
        Assert.Contains($"pid file {PidFile} is a symbolic link; refusing to follow it", start.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(target), "nothing was written through the link");

        var status = Daemon("status");
        Assert.True(status.ExitCode == 4, status.ToString());
    }

    [Fact]
    public async Task Run_in_the_foreground_tells_systemd_ready_and_stopping()
    {
        var socketPath = Path.Combine(folder, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[ThreadworkProcess.ToolPath, "daemon", "run", "--pidfile", PidFile, "--interval", "100ms"])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var run = Process.Start(info)!;
        daemons.Add(run.Id);
        var stdout = run.StandardOutput.ReadToEndAsync();

        Assert.Equal($"READY=1\nMAINPID={run.Id}", await ReceiveAsync(socket));
        Assert.Equal(0, Daemon("status").ExitCode);
        SendSignal(run.Id, "TERM");
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
        Assert.True(run.WaitForExit(Bound), "run did not exit after SIGTERM");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"Daemon started with pid {run.Id}", await stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(PidFile));
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(Bound);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Whether a process nohup starts has SIGHUP (bit 0 of SigIgn) ignored.</summary>
    private static bool IgnoresSighupUnderNohup()
    {
        using var probe = Process.Start(new ProcessStartInfo("nohup", ["sh", "-c", "grep '^SigIgn:' /proc/self/status"]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true })!;
        var line = probe.StandardOutput.ReadToEnd();
        Assert.True(probe.WaitForExit(Bound));
        var mask = ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (mask & 1) != 0;
    }

    private static void SendSignal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(kill.WaitForExit(Bound));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Polls a condition another process makes true, failing with the daemon's log after <see cref="Bound"/>;
    /// there is no handle to await on a stranger's exit or log.
    /// </summary>
    private void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Bound)
            {
                // The log holds the daemon's stderr too: a crash in a signal handler would show there.
                Assert.Fail($"timed out after {Bound.TotalSeconds}s waiting until {what}; the log:\n{string.Join('\n', LogLines())}");
            }

            Thread.Sleep(20);
        }
    }

    private string[] Paths() => ["--pidfile", PidFile, "--log", Log, "--interval", "100ms", "--timeout", "10s"];

    private ThreadworkProcess.Result Daemon(string verb) => ThreadworkProcess.Run(["daemon", verb, .. Paths()]);

    private int StartDaemon()
    {
        var start = Daemon("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        var pid = PidOf(start);
        daemons.Add(pid);
        Assert.Equal($"daemon started (pid {pid}), log {Log}", start.Stdout.Trim());

        Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), Cat(PidFile));
        return pid;
    }

    /// <summary>Reads a held pid file the way cat does: .NET's File API honours the daemon's lock and refuses.</summary>
    private static string Cat(string path)
    {
        using var cat = Process.Start(new ProcessStartInfo("cat", [path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = cat.StandardOutput.ReadToEnd().Trim();
        cat.WaitForExit(Bound);
        return text;
    }

    private static int PidOf(ThreadworkProcess.Result start)
    {
        var match = System.Text.RegularExpressions.Regex.Match(start.Stdout, @"^daemon started \(pid (\d+)\)");
        Assert.True(match.Success, start.ToString());
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private string[] LogLines() => File.Exists(Log)
        ? File.ReadAllLines(Log)
        : [];
}

using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Threadwork.Daemons;

/// <summary>
/// The running daemon's side: it holds the pid file, turns SIGTERM and SIGINT into a graceful stop
/// (<see cref="Stopping"/> and <see cref="StopRequested"/>), offers SIGHUP as <see cref="Hangup"/>, and
/// tells systemd READY=1 and STOPPING=1. Disposing it removes the pid file.
/// </summary>
/// <remarks>
/// When the process was started by <see cref="DaemonLauncher.Start"/>, <see cref="Enter"/> also finishes the
/// detach: a new session (setsid), the working directory, stdin from /dev/null, stdout and stderr appended to
/// the configured files, and the ready (or startup error) report the starting process waits for. Run in the
/// foreground (for example by systemd), it keeps its stdio and working directory.
/// </remarks>
/// <example>
/// <code>
/// using var session = DaemonSession.Enter(new DaemonOptions { PidFilePath = pidPath, StandardOutputPath = logPath });
/// while (!session.Stopping.IsCancellationRequested) { ... }
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public sealed class DaemonSession : IDisposable
{
    /// <summary>Set by the launcher in the re-launched process's environment, and removed by it at once.</summary>
    internal const string ChildVariable = "THREADWORK_DAEMON_CHILD";

    /// <summary>The report lines the starting process reads from the child's standard output.</summary>
    internal const string ReadyReport = "threadwork-daemon ready ";
    internal const string RunningReport = "threadwork-daemon running ";
    internal const string ErrorReport = "threadwork-daemon error ";

    private const int StandardInput = 0;
    private const int StandardOutput = 1;
    private const int StandardError = 2;
    private const int Mode0644 = 0x1A4;

    private readonly PidFile pidFile;
    private readonly DaemonOptions options;
    private readonly bool detached;
    private readonly CancellationTokenSource stopping = new();
    private readonly PosixSignalRegistration terminate;
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration hangup;

    /// <summary>The signal that asked for the stop; 0 until one did. Written by a signal handler thread.</summary>
    private int stopSignal;

    private DaemonSession(PidFile pidFile, DaemonOptions options, bool detached)
    {
        this.pidFile = pidFile;
        this.options = options;
        this.detached = detached;
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStopSignal);
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStopSignal);

        // A daemon started under nohup (or by a shell that trapped HUP) inherits SIGHUP ignored, and .NET
        // leaves it so: the registration would never fire and a SIGHUP would be lost without a trace. The
        // session offers SIGHUP and never lets it terminate, so it takes it back. Between the two calls a
        // SIGHUP would terminate the process: a detached daemon has left its terminal by now (setsid), so
        // only a deliberate kill in those microseconds could. SIGTERM and SIGINT stay as inherited: .NET
        // takes SIGINT when it first sets up signals, a program usually registers SIGTERM before the session
        // (the CLI does), and once .NET has seen a signal ignored it never installs a handler for it.
        var reclaimed = NativeMethods.UnignoreSignal(NativeMethods.SigHup);
        hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        if (reclaimed)
        {
            _ = NativeMethods.IgnoreIfDefault(NativeMethods.SigHup);
        }
    }

    /// <summary>Raised (on a thread-pool thread) when SIGTERM or SIGINT asks the daemon to stop, after <see cref="Stopping"/> is cancelled.</summary>
    public event EventHandler? StopRequested;

    /// <summary>
    /// Raised (on a thread-pool thread) on SIGHUP, for example to call <see cref="ReopenOutput"/>. SIGHUP never
    /// terminates a session; one that arrives before a handler is subscribed is ignored. It is raised even when
    /// the process inherited SIGHUP ignored (started under nohup): the session takes the signal back.
    /// </summary>
    public event EventHandler? Hangup;

    /// <summary>Cancelled when SIGTERM or SIGINT asks the daemon to stop.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>The signal that asked for the stop, or <see langword="null"/> while none has.</summary>
    public PosixSignal? StopSignal => Volatile.Read(ref stopSignal) switch
    {
        0 => null,
        var s => (PosixSignal)s,
    };

    /// <summary>This daemon's pid, as written in the pid file.</summary>
    public int ProcessId => pidFile.ProcessId;

    /// <summary>Whether this process was re-launched by <see cref="DaemonLauncher.Start"/> and detaches in <see cref="Enter"/>.</summary>
    public bool IsDetached => detached;

    /// <summary>Becomes the daemon: takes the pid file, installs the signal handlers, and reports ready.</summary>
    /// <param name="options">The pid file, output files, working directory and umask.</param>
    /// <returns>The session; dispose it on the way out to remove the pid file.</returns>
    /// <exception cref="DaemonAlreadyRunningException">Another daemon holds the pid file.</exception>
    /// <exception cref="IOException">The pid file or an output file cannot be opened.</exception>
    public static DaemonSession Enter(DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var detached = Environment.GetEnvironmentVariable(ChildVariable) == "1";
        if (!detached)
        {
            return Begin(options, detached: false);
        }

        // The daemon's own children must not think they were launched to detach.
        Environment.SetEnvironmentVariable(ChildVariable, null);
        try
        {
            if (NativeMethods.Setsid() < 0)
            {
                throw NativeMethods.Failure("setsid");
            }

            Directory.SetCurrentDirectory(options.WorkingDirectory);
            return Begin(options, detached: true);
        }
        catch (DaemonAlreadyRunningException running)
        {
            Report(RunningReport + (running.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"));
            throw;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or SocketException)
        {
            Report(ErrorReport + failure.Message.ReplaceLineEndings(" "));
            throw;
        }
    }

    /// <summary>Re-opens the output files (after a log rotation, typically on SIGHUP); does nothing in the foreground.</summary>
    /// <exception cref="IOException">A file cannot be opened; the old one stays in use.</exception>
    public void ReopenOutput()
    {
        if (detached)
        {
            RedirectOutput(options, reportReady: null);
        }
    }

    /// <summary>Tells systemd STOPPING=1, stops handling signals, and removes the pid file.</summary>
    public void Dispose()
    {
        terminate.Dispose();
        interrupt.Dispose();
        hangup.Dispose();

        try
        {
            SystemdNotifier.Notify("STOPPING=1");
        }
        catch (SocketException failure)
        {
            // systemd sees the exit anyway; say why it heard nothing before it.
            Console.Error.WriteLine($"threadwork: could not notify systemd of the stop: {failure.Message}");
        }

        pidFile.Dispose();
        stopping.Dispose();
    }

    private static DaemonSession Begin(DaemonOptions options, bool detached)
    {
        // umask cannot fail; it returns the previous mask, which nothing needs.
        _ = NativeMethods.Umask((int)options.Umask);
        var pidFile = PidFile.Acquire(options.PidFilePath);
        try
        {
            var session = new DaemonSession(pidFile, options, detached);
            SystemdNotifier.Notify($"READY=1\nMAINPID={pidFile.ProcessId.ToString(CultureInfo.InvariantCulture)}");
            if (detached)
            {
                RedirectOutput(options, ReadyReport + pidFile.ProcessId.ToString(CultureInfo.InvariantCulture));
            }

            return session;
        }
        catch
        {
            pidFile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Points stdin at /dev/null and stdout/stderr at the output files. The ready report goes out on the old
    /// stdout (the starting process's pipe) after every file is open, so a failure is still reported, and
    /// before stdout is replaced, which closes that pipe.
    /// </summary>
    private static void RedirectOutput(DaemonOptions options, string? reportReady)
    {
        var input = OpenOutput("/dev/null", NativeMethods.ORdOnly, "standard input");
        var output = OpenOutput(options.StandardOutputPath ?? "/dev/null", NativeMethods.OWrOnly | NativeMethods.OCreat | NativeMethods.OAppend, "log");
        var error = options.StandardErrorPath is { } errorPath
            ? OpenOutput(errorPath, NativeMethods.OWrOnly | NativeMethods.OCreat | NativeMethods.OAppend, "error log")
            : output;
        try
        {
            Duplicate(input, StandardInput);
            Duplicate(error, StandardError);
            if (reportReady is not null)
            {
                Report(reportReady);
            }

            Duplicate(output, StandardOutput);
        }
        finally
        {
            NativeMethods.Close(input);
            NativeMethods.Close(output);
            if (error != output)
            {
                NativeMethods.Close(error);
            }
        }
    }

    private static int OpenOutput(string path, int flags, string what)
    {
        var fd = NativeMethods.Open(path, flags | NativeMethods.OCloExec, Mode0644);
        if (fd < 0)
        {
            throw new IOException($"cannot open the {what} {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return fd;
    }

    private static void Duplicate(int from, int to)
    {
        if (NativeMethods.Dup2(from, to) < 0)
        {
            throw NativeMethods.Failure("dup2");
        }
    }

    /// <summary>Writes one report line on the raw stdout descriptor: Console.Out would keep a duplicate of the pipe open after the redirect.</summary>
    private static void Report(string line) => NativeMethods.WriteAll(StandardOutput, Encoding.UTF8.GetBytes(line + "\n"));

    private void OnStopSignal(PosixSignalContext context)
    {
        // Cancel the default (immediate exit): the program stops gracefully and disposes the session.
        context.Cancel = true;
        Interlocked.CompareExchange(ref stopSignal, (int)context.Signal, 0);
        try
        {
            stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        StopRequested?.Invoke(this, EventArgs.Empty);
    }

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true;
        Hangup?.Invoke(this, EventArgs.Empty);
    }
}

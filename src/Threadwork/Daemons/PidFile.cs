using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace Threadwork.Daemons;

/// <summary>
/// A pid file held with an exclusive lock for as long as this object lives, so the lock, not the file's
/// existence, says whether the daemon runs: a file left by a crash never blocks a start, and of two
/// concurrent starts exactly one gets the lock.
/// </summary>
/// <remarks>
/// The file is opened without following a symbolic link, given mode 0644, and its pid is written only
/// after the lock is taken. <see cref="Dispose"/> removes it while still holding the lock.
/// </remarks>
/// <example>
/// <code>
/// using var pidFile = PidFile.Acquire("/run/user/1000/app.pid"); // throws DaemonAlreadyRunningException
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public sealed class PidFile : IDisposable
{
    private const int Mode0644 = 0x1A4;

    /// <summary>How many times a lock held by a probe (not by a live daemon) is retried, and how far apart: half a second in all.</summary>
    private const int MaxProbeCollisions = 50;

    private static readonly TimeSpan ProbeCollisionBackoff = TimeSpan.FromMilliseconds(10);

    /// <summary>The open, locked descriptor; -1 once disposed.</summary>
    private int descriptor;

    private PidFile(string path, int descriptor, int processId)
    {
        Path = path;
        this.descriptor = descriptor;
        ProcessId = processId;
    }

    /// <summary>The pid file's full path.</summary>
    public string Path { get; }

    /// <summary>The pid written into the file (this process's).</summary>
    public int ProcessId { get; }

    /// <summary>Creates or opens the pid file, takes its exclusive lock without waiting, and writes this process's pid.</summary>
    /// <param name="path">Where the pid file lives; its folder must exist.</param>
    /// <returns>The held pid file; dispose it to remove the file and release the lock.</returns>
    /// <exception cref="DaemonAlreadyRunningException">Another process holds the lock.</exception>
    /// <exception cref="IOException">The path is a symbolic link, or the file cannot be opened or written.</exception>
    public static PidFile Acquire(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        var probeCollisions = 0;
        while (true)
        {
            var fd = OpenNoFollow(fullPath, NativeMethods.ORdWr | NativeMethods.OCreat);
            try
            {
                if (NativeMethods.Flock(fd, NativeMethods.LockExclusive | NativeMethods.LockNonBlocking) != 0)
                {
                    if (Marshal.GetLastPInvokeError() == NativeMethods.EAgain)
                    {
                        var holder = ReadProcessId(fd);

                        // A daemon writes its pid right after taking the lock, so a holder whose file names no
                        // live process is (almost always) a Probe's shared lock, held for an instant: retry.
                        if (!IsAlive(holder) && ++probeCollisions <= MaxProbeCollisions)
                        {
                            NativeMethods.Close(fd);
                            Thread.Sleep(ProbeCollisionBackoff);
                            continue;
                        }

                        throw new DaemonAlreadyRunningException(holder);
                    }

                    throw NativeMethods.Failure($"locking pid file {fullPath}");
                }

                // A daemon exiting cleanly unlinks the file while it still holds the lock; if we opened the
                // file before that unlink and locked it after, our lock guards a file nobody else can see
                // and a later start would create a new one: open the path again.
                if (IsUnlinked(fd))
                {
                    NativeMethods.Close(fd);
                    continue;
                }

                var processId = Environment.ProcessId;
                if (NativeMethods.Fchmod(fd, Mode0644) != 0 || NativeMethods.Ftruncate(fd, 0) != 0)
                {
                    throw NativeMethods.Failure($"writing pid file {fullPath}");
                }

                NativeMethods.WriteAll(fd, Encoding.ASCII.GetBytes(processId.ToString(CultureInfo.InvariantCulture) + "\n"));
                return new PidFile(fullPath, fd, processId);
            }
            catch
            {
                NativeMethods.Close(fd);
                throw;
            }
        }
    }

    /// <summary>Says whether a daemon holds the pid file at <paramref name="path"/>, without disturbing it.</summary>
    /// <param name="path">The pid file's path.</param>
    /// <returns>Running (the lock is held), stale (a pid but no holder) or not running (no file, or empty).</returns>
    /// <exception cref="IOException">The path is a symbolic link or cannot be read.</exception>
    /// <remarks>The probe takes a shared lock for an instant; <see cref="Acquire"/> retries (for up to half a second) a lock held while the file names no live process, so a probe does not turn a start away.</remarks>
    public static PidFileStatus Probe(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        int fd;
        try
        {
            fd = OpenNoFollow(fullPath, NativeMethods.ORdOnly);
        }
        catch (FileNotFoundException)
        {
            return new PidFileStatus(PidFileState.NotRunning, null);
        }

        try
        {
            if (NativeMethods.Flock(fd, NativeMethods.LockShared | NativeMethods.LockNonBlocking) == 0)
            {
                var written = ReadProcessId(fd);
                NativeMethods.Flock(fd, NativeMethods.LockUnlock);
                return new PidFileStatus(written is null ? PidFileState.NotRunning : PidFileState.Stale, written);
            }

            if (Marshal.GetLastPInvokeError() != NativeMethods.EAgain)
            {
                throw NativeMethods.Failure($"probing pid file {fullPath}");
            }

            return new PidFileStatus(PidFileState.Running, ReadProcessId(fd));
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    /// <summary>Removes the pid file, then releases the lock (in that order, so no start can lock the file being removed and lose it).</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref descriptor, -1);
        if (fd < 0)
        {
            return;
        }

        NativeMethods.Unlink(Path);
        NativeMethods.Close(fd);
    }

    private static int OpenNoFollow(string path, int access)
    {
        var fd = NativeMethods.Open(path, access | NativeMethods.ONoFollow | NativeMethods.OCloExec, Mode0644);
        if (fd >= 0)
        {
            return fd;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == NativeMethods.ELoop)
        {
            throw new IOException($"pid file {path} is a symbolic link; refusing to follow it");
        }

        if (errno == NativeMethods.ENoEnt && (access & NativeMethods.OCreat) == 0)
        {
            throw new FileNotFoundException($"no pid file at {path}", path);
        }

        throw new IOException($"cannot open pid file {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    private static bool IsUnlinked(int fd) =>
        new FileInfo($"/proc/self/fd/{fd.ToString(CultureInfo.InvariantCulture)}").LinkTarget?.EndsWith(" (deleted)", StringComparison.Ordinal) == true;

    private static bool IsAlive(int? pid) =>
        pid is { } live && (NativeMethods.Kill(live, 0) == 0 || Marshal.GetLastPInvokeError() == NativeMethods.EPerm);

    private static int? ReadProcessId(int fd)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = NativeMethods.ReadFromStart(fd, buffer);
        var text = Encoding.ASCII.GetString(buffer[..length]).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }
}

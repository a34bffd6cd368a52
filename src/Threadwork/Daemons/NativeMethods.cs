using System.Runtime.InteropServices;

namespace Threadwork.Daemons;

/// <summary>The few libc calls that .NET does not expose: sessions, umask, advisory locks, descriptor duplication.</summary>
/// <remarks>Flag values are Linux's (x86-64 and arm64 share them); the public types are marked Linux-only.</remarks>
internal static partial class NativeMethods
{
    public const int ORdOnly = 0x0;
    public const int OWrOnly = 0x1;
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OAppend = 0x400;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;

    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;

    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EPerm = 1;
    public const int ELoop = 40;

    private const nint SignalDefault = 0;
    private const nint SignalIgnore = 1;

    public const int SigHup = 1;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, int mode);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "setsid", SetLastError = true)]
    public static partial int Setsid();

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial int Umask(int mask);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static unsafe partial int Sigaction(int signal, SignalAction* action, SignalAction* old);

    /// <summary>
    /// Gives a signal its default disposition again if it is ignored (inherited from the parent: nohup, a
    /// shell's <c>trap "" HUP</c>), so that a <see cref="PosixSignalRegistration"/> made next installs its
    /// handler: .NET leaves an ignored signal ignored, and the registration then never fires.
    /// </summary>
    /// <returns>Whether the signal was ignored and now has its default disposition.</returns>
    public static bool UnignoreSignal(int signal) => ReplaceDisposition(signal, SignalIgnore, SignalDefault);

    /// <summary>
    /// Ignores a signal again if it still has its default disposition after <see cref="UnignoreSignal"/> and a
    /// registration: one made earlier in the process, while the signal was ignored, keeps .NET from installing
    /// its handler, and the default (termination) would be worse than the ignoring the parent asked for.
    /// </summary>
    /// <returns>Whether the signal was left with its default disposition and is ignored again.</returns>
    public static bool IgnoreIfDefault(int signal) => ReplaceDisposition(signal, SignalDefault, SignalIgnore);

    /// <summary>Sets a signal's disposition to <paramref name="replacement"/> if it is <paramref name="expected"/> (SIG_DFL or SIG_IGN).</summary>
    private static unsafe bool ReplaceDisposition(int signal, nint expected, nint replacement)
    {
        SignalAction current;
        if (Sigaction(signal, null, &current) != 0)
        {
            throw Failure("sigaction");
        }

        if (current.Handler != expected)
        {
            return false;
        }

        var next = new SignalAction { Handler = replacement };
        if (Sigaction(signal, &next, null) != 0)
        {
            throw Failure("sigaction");
        }

        return true;
    }

    /// <summary>Writes all of <paramref name="bytes"/> to a descriptor, retrying short writes and EINTR.</summary>
    public static unsafe void WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var written = Write(fd, start + done, bytes.Length - done);
                if (written < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EIntr)
                    {
                        continue;
                    }

                    throw Failure("write");
                }

                done += (int)written;
            }
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length from the start of a regular file.</summary>
    public static int ReadFromStart(int fd, Span<byte> buffer)
    {
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
        return RandomAccess.Read(handle, buffer, fileOffset: 0);
    }

    /// <summary>An exception for the last failed call, with errno's text.</summary>
    public static IOException Failure(string what) =>
        new($"{what} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    /// <summary>
    /// glibc's and musl's <c>struct sigaction</c> on x86-64 and arm64: the handler, a 1024-bit mask, the flags
    /// and the restorer (152 bytes). Only the handler is read or set here; zero elsewhere is an empty mask and
    /// no flags.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct SignalAction
    {
        public nint Handler;
        public fixed ulong Mask[16];
        public int Flags;
        public nint Restorer;
    }
}

using System.Runtime.InteropServices;

namespace Threadwork.Pools;

/// <summary>The libc calls a worker process uses to notice that its parent is gone.</summary>
internal static partial class NativeMethods
{
    /// <summary>prctl option: the signal the kernel sends when the parent (the thread that started us) dies. Linux only.</summary>
    public const int PrSetPdeathsig = 1;

    public const int SigKill = 9;

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    [LibraryImport("libc", EntryPoint = "getppid")]
    public static partial int Getppid();
}

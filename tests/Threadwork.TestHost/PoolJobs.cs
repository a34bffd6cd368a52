using Threadwork.Pools;

namespace Threadwork.TestHost;

/// <summary>
/// The jobs the process-pool tests run in this program started as a worker. Each one behaves in one
/// plain way (returns, throws, sleeps, ignores its token, kills its process) so a test can tell what happened.
/// </summary>
public static class PoolJobs
{
    public static readonly ProcessJob<int, int> Square = new("square");

    /// <summary>Returns the worker's process id (the argument is ignored).</summary>
    public static readonly ProcessJob<int, int> Pid = new("pid");

    /// <summary>Waits the argument's milliseconds, cancellable by its token; returns the worker's process id.</summary>
    public static readonly ProcessJob<int, int> Sleep = new("sleep");

    /// <summary>Sleeps the argument's milliseconds and ignores its token.</summary>
    public static readonly ProcessJob<int, int> IgnoreCancel = new("ignore-cancel");

    /// <summary>Throws InvalidOperationException with the argument as its message.</summary>
    public static readonly ProcessJob<string, int> Throw = new("throw");

    /// <summary>Ends the worker with Environment.FailFast and the argument as its message.</summary>
    public static readonly ProcessJob<string, int> FailFast = new("fail-fast");

    /// <summary>Crashes the worker the first time (it creates the marker file at the path given), returns the process id after.</summary>
    public static readonly ProcessJob<string, int> CrashOnce = new("crash-once");

    public static readonly ProcessJob<string, string> Echo = new("echo");

    public static ProcessJobRegistry Registry { get; } = new ProcessJobRegistry()
        .Register(Square, (n, _) => n * n)
        .Register(Pid, (_, _) => Environment.ProcessId)
        .Register(Sleep, (milliseconds, token) =>
        {
            token.WaitHandle.WaitOne(milliseconds);
            token.ThrowIfCancellationRequested();
            return Environment.ProcessId;
        })
        .Register(IgnoreCancel, (milliseconds, _) =>
        {
            Thread.Sleep(milliseconds);
            return Environment.ProcessId;
        })
        .Register(Throw, (message, _) => ThrowingJob(message))
        .Register(FailFast, (message, _) =>
        {
            Environment.FailFast(message);
            return 0;
        })
        .Register(CrashOnce, (marker, _) =>
        {
            if (!File.Exists(marker))
            {
                File.WriteAllText(marker, $"{Environment.ProcessId}");
                Environment.FailFast("crash-once: crashing the first time");
            }

            return Environment.ProcessId;
        })
        .Register(Echo, (text, _) => text);

    private static int ThrowingJob(string message) => throw new InvalidOperationException(message);
}

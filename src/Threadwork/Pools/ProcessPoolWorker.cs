using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Threadwork.Pools;

/// <summary>
/// The worker side of a <see cref="ProcessPool"/>: a program started by a pool calls
/// <see cref="RunAsync"/> first thing, and then runs the jobs the pool sends, one at a time, until its
/// standard input ends (the pool shut down, recycled the worker, or died).
/// </summary>
/// <remarks>
/// <para>Standard input and output carry the pool's frames; while the worker runs,
/// <see cref="Console.Out"/> writes to standard error instead, so a job that prints cannot corrupt them
/// (the pool copies the workers' standard error to <see cref="ProcessPoolOptions.WorkerErrorOutput"/>).</para>
/// <para>Ctrl-C (SIGINT), which a terminal sends to the parent and its workers alike, is ignored by a
/// worker: what to cancel is the pool's decision, through its cancel frames and shutdown.</para>
/// <para>A worker never outlives its pool's process: it exits at the end of its input, which comes when the
/// parent dies however it dies; on Linux it also asks for SIGKILL when the parent's starting thread dies
/// (<c>PR_SET_PDEATHSIG</c>), and on Unix it checks its parent process id once a second.</para>
/// </remarks>
/// <example>
/// <code>
/// // First lines of Main (or of top-level statements):
/// if (ProcessPoolWorker.IsWorkerProcess)
///     return await ProcessPoolWorker.RunAsync(new ProcessJobRegistry().Register(Jobs.Square, (n, _) =&gt; n * n));
/// </code>
/// </example>
public static class ProcessPoolWorker
{
    /// <summary>The exit code of a worker that found its parent gone.</summary>
    public const int ParentGoneExitCode = 75;

    /// <summary>Keeps the parent check's timer alive for the life of the worker.</summary>
    private static Timer? s_parentCheck;

    /// <summary>Keeps the worker alive through Ctrl-C, which a terminal sends to the whole process group: the pool decides.</summary>
    private static PosixSignalRegistration? s_interrupt;

    /// <summary>True when this process was started by a <see cref="ProcessPool"/> as one of its workers.</summary>
    public static bool IsWorkerProcess => Environment.GetEnvironmentVariable(ProcessPoolProtocol.WorkerVariable) is { Length: > 0 };

    /// <summary>
    /// Runs jobs from <paramref name="jobs"/> as the pool sends them, until standard input ends; returns the
    /// exit code the program should end with (0). Each job runs on a thread-pool thread with a token that the
    /// pool cancels when the job is cancelled; an exception it throws is sent back with its type, message and stack text.
    /// </summary>
    /// <param name="jobs">The jobs this worker can run, by name.</param>
    /// <param name="cancellationToken">Ends the wait (the worker's loop itself ends with its input).</param>
    /// <returns>A task of the exit code: 0 at the end of the input.</returns>
    /// <exception cref="InvalidOperationException">This process was not started by a process pool (<see cref="IsWorkerProcess"/> is false).</exception>
    public static Task<int> RunAsync(ProcessJobRegistry jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (!IsWorkerProcess)
        {
            throw new InvalidOperationException($"This process was not started by a process pool ({ProcessPoolProtocol.WorkerVariable} is not set).");
        }

        _ = int.TryParse(Environment.GetEnvironmentVariable(ProcessPoolProtocol.ParentVariable), System.Globalization.CultureInfo.InvariantCulture, out var parent);

        // Programs this worker starts are not workers.
        Environment.SetEnvironmentVariable(ProcessPoolProtocol.WorkerVariable, null);
        Environment.SetEnvironmentVariable(ProcessPoolProtocol.ParentVariable, null);
        WatchParent(parent);
        s_interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, static context => context.Cancel = true);

#pragma warning disable CA2000 // Standard input and output serve the worker until its process ends.
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();
#pragma warning restore CA2000
        Console.SetOut(Console.Error);
        var loop = new Loop(jobs, input, output);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = new Thread(() =>
        {
            try
            {
                done.TrySetResult(loop.Run());
            }
#pragma warning disable CA1031 // The loop's failure belongs to the returned task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.TrySetException(e);
            }
        })
        { Name = "process-pool worker", IsBackground = true };
        reader.Start();
        return done.Task.WaitAsync(cancellationToken);
    }

    private static void WatchParent(int parent)
    {
        if (parent <= 0 || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            _ = NativeMethods.Prctl(NativeMethods.PrSetPdeathsig, NativeMethods.SigKill, 0, 0, 0);
        }

        // The parent may have died before the request above: then we were already re-parented.
        CheckParent(parent);
        s_parentCheck = new Timer(static state => CheckParent((int)state!), parent, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private static void CheckParent(int parent)
    {
        if (NativeMethods.Getppid() != parent)
        {
            Environment.Exit(ParentGoneExitCode);
        }
    }

    /// <summary>Reads frames on one thread; runs each job on the thread pool, so a cancel frame is read while it runs.</summary>
    private sealed class Loop(ProcessJobRegistry jobs, Stream input, Stream output)
    {
        /// <summary>Serialises frames written to standard output.</summary>
        private readonly Lock _writeLock = new();

        /// <summary>Guards <see cref="_runningId"/> and <see cref="_running"/>.</summary>
        private readonly Lock _lock = new();

        /// <summary>The id of the job running now, or 0.</summary>
        private long _runningId;

        /// <summary>The running job's cancellation.</summary>
        private CancellationTokenSource? _running;

        public int Run()
        {
            Write(ProcessPoolProtocol.Frame(ProcessPoolProtocol.Ready, 0, ProcessPoolProtocol.Magic));
            var buffer = new byte[16 * 1024];
            while (ProcessPoolProtocol.TryRead(input, ref buffer, out var kind, out var id, out var length))
            {
                if (kind == ProcessPoolProtocol.Run)
                {
                    var payload = buffer.AsSpan(0, length).ToArray();
                    var cancel = new CancellationTokenSource();
                    lock (_lock)
                    {
                        _runningId = id;
                        _running = cancel;
                    }

                    ThreadPool.UnsafeQueueUserWorkItem(static state => state.Self.RunJob(state.Id, state.Payload, state.Cancel), (Self: this, Id: id, Payload: payload, Cancel: cancel), preferLocal: false);
                }
                else if (kind == ProcessPoolProtocol.Cancel)
                {
                    lock (_lock)
                    {
                        if (_runningId == id)
                        {
                            _running?.Cancel();
                        }
                    }
                }
            }

            return 0;
        }

        private void RunJob(long id, byte[] payload, CancellationTokenSource cancel)
        {
            byte[] frame;
            try
            {
                var (name, argument) = ProcessPoolProtocol.ParseRun(payload);
                if (!jobs.TryGet(name, out var run))
                {
                    throw new KeyNotFoundException($"No job named '{name}' is registered in worker process {Environment.ProcessId} (registered: {string.Join(", ", jobs.Names.Order(StringComparer.Ordinal))}).");
                }

                frame = ProcessPoolProtocol.Frame(ProcessPoolProtocol.Result, id, run(argument, cancel.Token));
            }
#pragma warning disable CA1031 // Every failure of a job goes back to the pool; none may end the worker.
            catch (Exception e)
#pragma warning restore CA1031
            {
                frame = ProcessPoolProtocol.Frame(ProcessPoolProtocol.Failure, id, Describe(e));
            }

            lock (_lock)
            {
                if (_runningId == id)
                {
                    _runningId = 0;
                    _running = null;
                }
            }

            cancel.Dispose();
            Write(frame);
        }

        private void Write(byte[] frame)
        {
            try
            {
                lock (_writeLock)
                {
                    output.Write(frame);
                    output.Flush();
                }
            }
            catch (IOException)
            {
                // The pool closed our output: it is gone, and so is the reason to live.
                Environment.Exit(ParentGoneExitCode);
            }
        }

        private static byte[] Describe(Exception e)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("type", e.GetType().FullName);
                json.WriteString("message", e.Message);
                json.WriteString("stack", e.ToString());
                json.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
    }
}

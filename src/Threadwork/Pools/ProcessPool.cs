using System.Text.Json;

namespace Threadwork.Pools;

/// <summary>
/// A fixed number of worker processes that run named jobs: recipes 12.8–12.9's <c>ProcessPoolExecutor</c>
/// and <c>multiprocessing.Pool</c>, for the need .NET does have (threads already run CPU-bound work in
/// parallel): work that may crash its process (native code, <see cref="Environment.FailFast(string)"/>,
/// runaway memory) without taking the caller down.
/// </summary>
/// <remarks>
/// <para>Guarantees. Each submitted job's task completes with its result, faults with
/// <see cref="ProcessJobException"/> (it threw in the worker: type name, message and stack text come back),
/// <see cref="WorkerProcessDiedException"/> (its worker died: the exit code or signal and the worker's last
/// standard error lines), <see cref="ProcessJobTimeoutException"/> (it ran past its timeout: its worker was
/// killed), or is cancelled. A dead or killed worker is replaced at once; the pool keeps
/// <see cref="WorkerCount"/> workers until it is shut down. A crashed job is run again only if
/// <see cref="ProcessPoolOptions.CrashRetries"/> says so.</para>
/// <para>Cancellation. A queued job's task is cancelled and the job never runs. A running job's task is
/// cancelled at once and its token fires in the worker (cooperative); if the job has not returned within
/// <see cref="ProcessPoolOptions.CancelGrace"/>, its worker is killed and replaced.</para>
/// <para>No process is left behind. Shutdown closes every worker's standard input (a worker exits on end of
/// input) and kills one that has not exited within <see cref="ProcessPoolOptions.ExitTimeout"/>. If this
/// process dies, even by SIGKILL, its workers see their input end and exit; on Linux they also ask the
/// kernel for SIGKILL when the pool thread that started them dies, and every Unix worker checks its parent
/// process id once a second.</para>
/// <para>Jobs are registered by name in the worker program (<see cref="ProcessJobRegistry"/>,
/// <see cref="ProcessPoolWorker.RunAsync"/>); arguments and results travel as JSON
/// (<see cref="ProcessJob{TArgument, TResult}"/>), one job per worker at a time.</para>
/// </remarks>
/// <example>
/// <code>
/// static readonly ProcessJob&lt;string, int&gt; CountLines = new("count-lines");   // shared by both sides
///
/// if (ProcessPoolWorker.IsWorkerProcess)   // first thing in Main: this run is a worker
///     return await ProcessPoolWorker.RunAsync(new ProcessJobRegistry().Register(CountLines, (path, _) =&gt; File.ReadLines(path).Count()));
///
/// using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 4, JobTimeout = TimeSpan.FromMinutes(1) });
/// foreach (var lines in pool.Map(CountLines, paths))   // in input order
///     Console.WriteLine(lines);
/// </code>
/// </example>
public sealed class ProcessPool : IDisposable
{
    /// <summary>Guards the queue, the idle list, the slots' busy and idle flags, and the shutdown flag.</summary>
    private readonly Lock _gate = new();

    /// <summary>Jobs waiting for a slot, in submit order; a cancelled job stays until a slot skips it.</summary>
    private readonly Queue<IProcessPoolJob> _queue = new();

    /// <summary>Slots with a worker (or a failed start) and nothing to do.</summary>
    private readonly Stack<ProcessPoolSlot> _idle = new();

    private readonly ProcessPoolSlot[] _slots;

    /// <summary>Serialises the lines copied from the workers' standard error to <see cref="ProcessPoolOptions.WorkerErrorOutput"/>.</summary>
    private readonly Lock _errorOutputLock = new();

    /// <summary>Jobs taken by a slot and not yet given back; guarded by <see cref="_gate"/>.</summary>
    private int _running;

    /// <summary>Worker processes started, replacements included.</summary>
    private int _started;

    /// <summary>True once a shutdown has begun; guarded by <see cref="_gate"/> (read without it by <see cref="IsShutdown"/>).</summary>
    private volatile bool _shutdown;

    /// <summary>Starts <see cref="ProcessPoolOptions.WorkerCount"/> worker processes (without waiting for them: jobs submitted meanwhile wait in the queue).</summary>
    /// <param name="options">How to start the workers and treat their jobs; null for the defaults (one worker per core, the current program).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count or duration in <paramref name="options"/> is out of range.</exception>
    /// <exception cref="ArgumentException">The name is empty.</exception>
    /// <exception cref="InvalidOperationException">No worker program was given and the current one cannot be found.</exception>
    public ProcessPool(ProcessPoolOptions? options = null)
    {
        Options = options ?? new ProcessPoolOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.WorkerCount, 1, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(Options.Name, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.CrashRetries, 0, nameof(options));
        if (Options.RecycleAfterJobs is { } recycle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(recycle, 1, nameof(options));
        }

        if (Options.JobTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Options.CancelGrace, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.StartTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.ExitTimeout, TimeSpan.Zero, nameof(options));
        (WorkerFileName, WorkerArguments) = ResolveWorkerProgram(Options);
        WorkerCommandLine = string.Join(' ', [WorkerFileName, .. WorkerArguments]);
        _slots = new ProcessPoolSlot[Options.WorkerCount];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new ProcessPoolSlot(this, Options, i + 1);
        }

        Completion = Task.WhenAll(_slots.Select(s => s.Thread.Completion));
        foreach (var slot in _slots)
        {
            slot.Thread.Start();
        }
    }

    /// <summary>The options the pool was created with.</summary>
    public ProcessPoolOptions Options { get; }

    /// <summary>The pool's name.</summary>
    public string Name => Options.Name;

    /// <summary>How many worker processes the pool keeps.</summary>
    public int WorkerCount => _slots.Length;

    /// <summary>The executable the workers run.</summary>
    public string WorkerFileName { get; }

    /// <summary>The arguments the workers get.</summary>
    public IReadOnlyList<string> WorkerArguments { get; }

    /// <summary>Jobs submitted and not yet taken by a worker (cancelled ones included until a worker skips them).</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Jobs running in a worker (or held for a worker being started) right now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Worker processes started so far, the first <see cref="WorkerCount"/> and every replacement (crash, kill, recycling).</summary>
    public int StartedWorkerCount => Volatile.Read(ref _started);

    /// <summary>The process ids of the workers running right now.</summary>
    public IReadOnlyList<int> WorkerProcessIds => [.. _slots.Select(s => s.ProcessId).OfType<int>()];

    /// <summary>True once a shutdown (or <see cref="Dispose"/>) has begun.</summary>
    public bool IsShutdown => _shutdown;

    /// <summary>Completes when every worker has exited and every pool thread has ended, after a shutdown.</summary>
    public Task Completion { get; }

    /// <summary>The command line, for messages.</summary>
    internal string WorkerCommandLine { get; }

    /// <summary>Queues <paramref name="job"/> with <paramref name="argument"/> to run in a worker process.</summary>
    /// <typeparam name="TArgument">The job's argument.</typeparam>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="job">The job, registered under its name in the worker program.</param>
    /// <param name="argument">The argument, serialised to JSON now (on the calling thread).</param>
    /// <param name="timeout">How long the job may run in its worker before the worker is killed; null for <see cref="ProcessPoolOptions.JobTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the job: a queued one never runs; a running one is cancelled cooperatively, then killed after the grace.</param>
    /// <returns>A task of the job's result; see the class remarks for how it can fail.</returns>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative.</exception>
    public Task<TResult> Submit<TArgument, TResult>(ProcessJob<TArgument, TResult> job, TArgument argument, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (timeout is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        }

        var frame = ProcessPoolProtocol.RunFrame(0, job.EncodedName, JsonSerializer.SerializeToUtf8Bytes(argument, job.ArgumentTypeInfo));
        var pending = new PendingProcessJob<TResult>(job.Name, frame, job.ResultTypeInfo, timeout ?? Options.JobTimeout);
        if (cancellationToken.IsCancellationRequested)
        {
            ThrowIfShutdown();
            return Task.FromCanceled<TResult>(cancellationToken);
        }

        Dispatch(pending);
        if (cancellationToken.CanBeCanceled)
        {
            pending.AttachRegistration(cancellationToken.UnsafeRegister(
                static state =>
                {
                    var (pool, job) = ((ProcessPool, IProcessPoolJob))state!;
                    pool.Cancel(job);
                },
                (this, (IProcessPoolJob)pending)));
        }

        return pending.Task;
    }

    /// <summary>
    /// Runs <paramref name="job"/> for each argument and yields the results in input order (Python's
    /// <c>executor.map</c> and <c>pool.map</c>), keeping at most <paramref name="lookAhead"/> jobs submitted and
    /// not yet yielded, so a long input is read only as fast as it is consumed.
    /// </summary>
    /// <typeparam name="TArgument">The job's argument.</typeparam>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="arguments">The arguments, read lazily on the enumerating thread.</param>
    /// <param name="lookAhead">Most jobs in flight; null for twice <see cref="WorkerCount"/>.</param>
    /// <param name="cancellationToken">Ends the waits for results and cancels the jobs in flight.</param>
    /// <returns>The results in input order. A failed job re-throws its exception when its turn comes; stopping the
    /// enumeration early (or a failure) cancels the jobs still in flight.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookAhead"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The pool is shut down (on enumeration).</exception>
    public IEnumerable<TResult> Map<TArgument, TResult>(ProcessJob<TArgument, TResult> job, IEnumerable<TArgument> arguments, int? lookAhead = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(arguments);
        var window = lookAhead ?? 2 * WorkerCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1, nameof(lookAhead));
        return OrderedMap.Run(arguments, (argument, token) => Submit(job, argument, cancellationToken: token), window, cancellationToken);
    }

    /// <summary>Stops new submits, waits for the running jobs (and, unless cancelled, the queued ones), then ends every worker.</summary>
    /// <param name="cancelQueued">True to cancel the queued jobs and the running ones (cooperatively, then killed after the grace) instead of running what is queued.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before every worker ended.</exception>
    public void Shutdown(bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        Completion.Wait(cancellationToken);
    }

    /// <summary>Like <see cref="Shutdown(bool, CancellationToken)"/>, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait for the workers to end.</param>
    /// <param name="cancelQueued">True to cancel the queued and running jobs instead of running them.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <returns><see langword="true"/> if every worker ended in time.</returns>
    public bool Shutdown(TimeSpan timeout, bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        return Completion.Wait(timeout, cancellationToken);
    }

    /// <summary>Like <see cref="Shutdown(bool, CancellationToken)"/>, waiting asynchronously.</summary>
    /// <param name="cancelQueued">True to cancel the queued and running jobs instead of running them.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <returns>A task that completes when every worker has ended.</returns>
    public Task ShutdownAsync(bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        return Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Shuts down cancelling queued and running jobs, and waits until every worker process has exited (killed if it must be).</summary>
    public void Dispose()
    {
        BeginShutdown(cancelQueued: true);
        Completion.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Wait();
    }

    /// <summary>A slot has nothing to do (it finished a job, or its worker could not start): it takes the next queued job, goes idle, or stops.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="available">False when the slot restarts its worker first (recycling): it offers itself again after.</param>
    internal void Release(ProcessPoolSlot slot, bool available = true)
    {
        lock (_gate)
        {
            if (slot.IsBusy)
            {
                slot.IsBusy = false;
                _running--;
            }
        }

        if (available)
        {
            Offer(slot);
        }
    }

    /// <summary>A slot with a fresh worker (or a failed start) asks for work; nothing happens if it has some already or is idle.</summary>
    internal void Offer(ProcessPoolSlot slot)
    {
        IProcessPoolJob? next = null;
        var stop = false;
        lock (_gate)
        {
            if (slot.IsBusy || slot.IsIdle)
            {
                return;
            }

            while (_queue.TryDequeue(out var job))
            {
                if (job.TryStart())
                {
                    next = job;
                    break;
                }
            }

            if (next is not null)
            {
                Take(slot, next);
            }
            else if (_shutdown)
            {
                stop = true;
            }
            else
            {
                slot.IsIdle = true;
                _idle.Push(slot);
            }
        }

        if (next is not null)
        {
            slot.Assign(next);
        }
        else if (stop)
        {
            slot.Stop();
        }
    }

    internal void OnWorkerStarted() => Interlocked.Increment(ref _started);

    internal void WriteWorkerError(string line)
    {
        if (Options.WorkerErrorOutput is { } output)
        {
            lock (_errorOutputLock)
            {
                output.WriteLine(line);
            }
        }
    }

    private void Dispatch<TResult>(PendingProcessJob<TResult> job)
    {
        ProcessPoolSlot? slot = null;
        lock (_gate)
        {
            ThrowIfShutdown();
            if (_idle.TryPop(out slot))
            {
                slot.IsIdle = false;
                job.TryStart();
                Take(slot, job);
            }
            else
            {
                _queue.Enqueue(job);
            }
        }

        slot?.Assign(job);
    }

    /// <summary>Under <see cref="_gate"/>: the slot now owns the job.</summary>
    private void Take(ProcessPoolSlot slot, IProcessPoolJob job)
    {
        slot.IsBusy = true;
        _running++;
        job.Slot = slot;
    }

    private void Cancel(IProcessPoolJob job)
    {
        ProcessPoolSlot? slot;
        lock (_gate)
        {
            // Under the lock, a job is either still queued or already has its slot: never neither.
            if (job.TryCancelQueued())
            {
                return;
            }

            slot = job.Slot;
        }

        if (slot is null)
        {
            job.CancelTask();
        }
        else
        {
            slot.Cancel(job);
        }
    }

    private void ThrowIfShutdown()
    {
        if (_shutdown)
        {
            throw new InvalidOperationException($"Process pool '{Name}' is shut down; it accepts no new jobs.");
        }
    }

    private void BeginShutdown(bool cancelQueued)
    {
        ProcessPoolSlot[] idle;
        IProcessPoolJob[] queued = [];
        lock (_gate)
        {
            _shutdown = true;
            idle = [.. _idle];
            _idle.Clear();
            foreach (var slot in idle)
            {
                slot.IsIdle = false;
            }

            if (cancelQueued)
            {
                queued = [.. _queue];
                _queue.Clear();
            }
        }

        foreach (var job in queued)
        {
            job.TryCancelQueued();
        }

        if (cancelQueued)
        {
            foreach (var slot in _slots)
            {
                slot.CancelAll();
            }
        }

        // Busy slots stop when they give their job back and find the queue empty.
        foreach (var slot in idle)
        {
            slot.Stop();
        }
    }

    private static (string FileName, IReadOnlyList<string> Arguments) ResolveWorkerProgram(ProcessPoolOptions options)
    {
        if (options.FileName is { } fileName)
        {
            return (fileName, options.Arguments ?? []);
        }

        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The current program's path is unknown; set ProcessPoolOptions.FileName.");

        // Under the dotnet host (dotnet app.dll) the program is the entry assembly, the host's first argument.
        var underHost = string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase);
        return (self, options.Arguments ?? (underHost ? [Environment.GetCommandLineArgs()[0]] : []));
    }
}

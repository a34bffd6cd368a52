using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Threadwork.Workers;

namespace Threadwork.Pools;

/// <summary>
/// One place in a <see cref="ProcessPool"/>: a dedicated thread that owns one worker process at a time. It
/// starts the worker, reads every frame the worker writes, and when the worker ends (crash, kill, recycle)
/// settles the job it was running and starts the next worker. Jobs are written to the worker by whichever
/// thread assigns them, so an idle slot takes a submitted job without a thread hop in the parent.
/// </summary>
/// <remarks>
/// Workers are started from this slot's own thread, and the thread ends only after its last worker has
/// exited: on Linux a worker asks for SIGKILL when the thread that started it dies (PR_SET_PDEATHSIG
/// follows the starting thread, not the process), so starting from a pool thread that may retire would
/// kill healthy workers.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The slot's own thread disposes the timer when it ends; the semaphore has no wait handle unless asked for one, and a late Release must not meet a disposed one.")]
internal sealed class ProcessPoolSlot
{
    /// <summary>Why the running job will end other than by its own answer.</summary>
    private enum Ending
    {
        None,
        CancelRequested,
        KilledAfterCancel,
        KilledForTimeout,
    }

    private const string NotAWorker = "is it a worker: does it call ProcessPoolWorker.RunAsync first when ProcessPoolWorker.IsWorkerProcess is true?";

    private readonly ProcessPool _pool;

    private readonly ProcessPoolOptions _options;

    /// <summary>Guards every field below that is not marked otherwise: the worker, the current job and how it ends.</summary>
    private readonly Lock _lock = new();

    /// <summary>Serialises the frames written to the worker's standard input (a run and a cancel may race).</summary>
    private readonly Lock _writeLock = new();

    /// <summary>Kills the worker when the current job's timeout, or its cancel grace, runs out.</summary>
    private readonly Timer _deadline;

    /// <summary>Released when a job is held for a worker that is not running, or when the slot is stopped; waited on only while the slot has no worker.</summary>
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>The worker process, or null between workers.</summary>
    private Process? _process;

    /// <summary>The worker's standard input; null once closed (stop, recycle) or between workers.</summary>
    private Stream? _input;

    /// <summary>The job whose frame was written to the worker and not yet answered.</summary>
    private IProcessPoolJob? _current;

    /// <summary>The id of the last job written; a late answer to an older id is dropped.</summary>
    private long _currentId;

    /// <summary>How the current job will end if not by its answer.</summary>
    private Ending _ending;

    /// <summary>When <see cref="_deadline"/> is due (a <see cref="Stopwatch"/> timestamp), so that a stale firing for an earlier job is recognised.</summary>
    private long _deadlineAt;

    /// <summary>A job assigned while no worker was up, or a crashed job to retry: run on the next worker.</summary>
    private IProcessPoolJob? _held;

    /// <summary>Set once: the slot ends after its current worker.</summary>
    private bool _stopping;

    /// <summary>Why the worker was killed for writing something that is not a frame; slot thread only.</summary>
    private string? _protocolError;

    /// <summary>Jobs answered by the current worker; slot thread only.</summary>
    private int _jobsOnWorker;

    /// <summary>Why the last start failed; slot thread only.</summary>
    private Exception? _lastStartError;

    public ProcessPoolSlot(ProcessPool pool, ProcessPoolOptions options, int number)
    {
        _pool = pool;
        _options = options;
        _deadline = new Timer(static state => ((ProcessPoolSlot)state!).OnDeadline(), this, Timeout.Infinite, Timeout.Infinite);
        Thread = new Worker($"{options.Name}-{number}", Run) { IsBackground = true };
    }

    /// <summary>The slot's thread; it ends after the slot is stopped and its last worker has exited.</summary>
    public Worker Thread { get; }

    /// <summary>Whether the pool has this slot in its idle list; guarded by the pool's lock.</summary>
    public bool IsIdle { get; set; }

    /// <summary>Whether the pool has handed this slot a job it has not given back; guarded by the pool's lock.</summary>
    public bool IsBusy { get; set; }

    /// <summary>The current worker's process id, or null between workers.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _process?.Id;
            }
        }
    }

    /// <summary>Writes <paramref name="job"/> to the worker, or holds it for the next worker if none is up.</summary>
    public void Assign(IProcessPoolJob job)
    {
        Stream? input;
        byte[] frame;
        lock (_lock)
        {
            if (job.IsCompleted)
            {
                input = null;
                frame = [];
            }
            else if (_input is null)
            {
                _held = job;
                _wake.Release();
                return;
            }
            else
            {
                _current = job;
                _ending = Ending.None;
                input = _input;
                frame = job.Frame;
                job.Attempts++;
                BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(5), ++_currentId);
                if (job.Timeout is { } timeout)
                {
                    Arm(timeout);
                }
            }
        }

        if (input is null)
        {
            // Cancelled between the pool handing it over and here: the slot is free again.
            _pool.Release(this);
            return;
        }

        Send(input, frame);
    }

    /// <summary>Cancels <paramref name="job"/> if this slot holds or runs it: its task at once; a running job's token in the worker, and the worker is killed if the job has not returned within the cancel grace.</summary>
    public void Cancel(IProcessPoolJob job)
    {
        Stream? input = null;
        long id = 0;
        lock (_lock)
        {
            job.CancelTask();
            if (ReferenceEquals(_current, job) && _ending == Ending.None)
            {
                _ending = Ending.CancelRequested;
                Arm(_options.CancelGrace);
                input = _input;
                id = _currentId;
            }
        }

        // A held job stays held, cancelled: the slot thread finds it completed and gives the slot back.
        if (input is not null)
        {
            Send(input, ProcessPoolProtocol.Frame(ProcessPoolProtocol.Cancel, id, default));
        }
    }

    /// <summary>Cancels whatever job the slot holds or runs (a shutdown that cancels work).</summary>
    public void CancelAll()
    {
        IProcessPoolJob? job;
        lock (_lock)
        {
            job = _current ?? _held;
        }

        if (job is not null)
        {
            Cancel(job);
        }
    }

    /// <summary>Ends the slot after its current worker: the worker's input is closed, so it exits once idle.</summary>
    public void Stop()
    {
        Stream? input;
        lock (_lock)
        {
            _stopping = true;
            input = _input;
            _input = null;
        }

        if (input is null)
        {
            _wake.Release();
        }
        else
        {
            Close(input);
        }
    }

    private void Run(WorkerContext context)
    {
        _ = context;
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (_stopping && _held is null)
                    {
                        break;
                    }
                }

                var started = StartWorker(ref buffer, out var errorPump, out var errorTail);
                IProcessPoolJob? held;
                lock (_lock)
                {
                    held = _held;
                    _held = null;
                }

                if (started is null)
                {
                    if (held is not null)
                    {
                        held.Fail(_lastStartError!);
                        _pool.Release(this);
                    }
                    else
                    {
                        _pool.Offer(this);
                    }

                    _wake.Wait(CancellationToken.None);
                    continue;
                }

                if (held is { IsCompleted: false })
                {
                    Assign(held);
                }
                else if (held is not null)
                {
                    _pool.Release(this);
                }
                else
                {
                    _pool.Offer(this);
                }

                ReadUntilExit(started, ref buffer);
                OnWorkerExited(started, errorPump, errorTail);
            }
        }
        finally
        {
            // Only a fault of the slot itself ends the loop with a worker up: it must not outlive the slot.
            Process? left;
            lock (_lock)
            {
                left = _process;
                Disarm();
            }

            if (left is not null)
            {
                Kill(left);
            }

            _deadline.Dispose();
        }
    }

    /// <summary>Starts a worker and waits for its ready frame; null (and <see cref="_lastStartError"/> set) if it could not be started or did not answer.</summary>
    private Process? StartWorker(ref byte[] buffer, out Task errorPump, out StandardErrorTail errorTail)
    {
        errorTail = new StandardErrorTail();
        errorPump = Task.CompletedTask;
        var info = new ProcessStartInfo(_pool.WorkerFileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in _pool.WorkerArguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[ProcessPoolProtocol.WorkerVariable] = _options.Name;
        info.Environment[ProcessPoolProtocol.ParentVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (_options.Environment is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                info.Environment[name] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process.");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            _lastStartError = new InvalidOperationException($"Pool '{_options.Name}' could not start a worker process ({_pool.WorkerCommandLine}): {e.Message}", e);
            return null;
        }

        errorPump = PumpErrorsAsync(process.StandardError, errorTail);
        string? problem = null;
        using (new Timer(static state => Kill((Process)state!), process, _options.StartTimeout, Timeout.InfiniteTimeSpan))
        {
            try
            {
                if (!ProcessPoolProtocol.TryRead(process.StandardOutput.BaseStream, ref buffer, out var kind, out _, out var length))
                {
                    problem = $"ended its output before it said it was ready ({NotAWorker})";
                }
                else if (kind != ProcessPoolProtocol.Ready || !buffer.AsSpan(0, length).SequenceEqual(ProcessPoolProtocol.Magic))
                {
                    problem = $"did not answer as a process-pool worker ({NotAWorker})";
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                problem = $"did not answer as a process-pool worker ({e.Message}; {NotAWorker})";
            }
        }

        if (problem is null)
        {
            lock (_lock)
            {
                _process = process;
                _input = process.StandardInput.BaseStream;
                _jobsOnWorker = 0;
                _protocolError = null;
            }

            _pool.OnWorkerStarted();
            return process;
        }

        Kill(process);
        var exitCode = WaitForExit(process, errorPump);
        _lastStartError = new InvalidOperationException(
            $"Worker process {process.Id} of pool '{_options.Name}' ({_pool.WorkerCommandLine}) {problem}; {DescribeExit(exitCode)} (start timeout {_options.StartTimeout.TotalSeconds:0.##} s).{Tail(errorTail)}");
        process.Dispose();
        return null;
    }

    /// <summary>Reads the worker's answers until its output ends (it exited, was killed, or closed it).</summary>
    private void ReadUntilExit(Process process, ref byte[] buffer)
    {
        var output = process.StandardOutput.BaseStream;
        try
        {
            while (ProcessPoolProtocol.TryRead(output, ref buffer, out var kind, out var id, out var length))
            {
                if (kind is not (ProcessPoolProtocol.Result or ProcessPoolProtocol.Failure))
                {
                    throw new InvalidDataException($"a frame of unknown kind {kind}");
                }

                IProcessPoolJob? job;
                lock (_lock)
                {
                    if (_current is null || id != _currentId || _ending is Ending.KilledAfterCancel or Ending.KilledForTimeout)
                    {
                        continue;
                    }

                    job = _current;
                    _current = null;
                    _ending = Ending.None;
                    Disarm();
                }

                // The next queued job is written to the worker before this one's result is read, so
                // in bulk the worker is busy again while the parent deserialises; the buffer stays
                // untouched until this thread's next read.
                _jobsOnWorker++;
                var recycle = _options.RecycleAfterJobs is { } limit && _jobsOnWorker >= limit;
                _pool.Release(this, available: !recycle);
                if (recycle)
                {
                    Recycle();
                }

                if (kind == ProcessPoolProtocol.Result)
                {
                    job.Complete(buffer.AsSpan(0, length));
                }
                else
                {
                    job.Fail(ReadFailure(job.Name, process.Id, buffer.AsSpan(0, length)));
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            // A worker that writes other things to its output can no longer be trusted with a job.
            _protocolError = e.Message;
            Kill(process);
        }
    }

    /// <summary>Closes the worker's input after its last job: it exits, and the slot starts a fresh one.</summary>
    private void Recycle()
    {
        Stream? input;
        lock (_lock)
        {
            input = _input;
            _input = null;
        }

        if (input is not null)
        {
            Close(input);
        }
    }

    /// <summary>Settles the job the dead worker was running: failed, timed out, cancelled, or held to run again.</summary>
    private void OnWorkerExited(Process process, Task errorPump, StandardErrorTail errorTail)
    {
        IProcessPoolJob? job;
        Ending ending;
        lock (_lock)
        {
            job = _current;
            ending = _ending;
            _current = null;
            _ending = Ending.None;
            _process = null;
            if (_input is { } input)
            {
                _input = null;
                Close(input);
            }

            Disarm();
        }

        var exitCode = WaitForExit(process, errorPump);
        var pid = process.Id;
        process.Dispose();
        if (job is null)
        {
            return;
        }

        switch (ending)
        {
            case Ending.KilledForTimeout:
                job.Fail(new ProcessJobTimeoutException(job.Name, pid, job.Timeout ?? TimeSpan.Zero));
                break;
            case Ending.CancelRequested or Ending.KilledAfterCancel:
                job.CancelTask();
                break;
            default:
                if (job.Attempts <= _options.CrashRetries && _protocolError is null && !job.IsCompleted)
                {
                    lock (_lock)
                    {
                        _held = job;
                    }

                    return;
                }

                var why = _protocolError is null ? string.Empty : $" after writing something that is not a frame to its standard output ({_protocolError})";
                var attempts = job.Attempts > 1 ? $" (attempt {job.Attempts}; each ran in a worker that died)" : string.Empty;
                job.Fail(new WorkerProcessDiedException(
                    $"Worker process {pid} of pool '{_options.Name}' died while running job '{job.Name}'{why}: {DescribeExit(exitCode)}{attempts}.{Tail(errorTail)}",
                    job.Name, pid, exitCode, job.Attempts, errorTail.ToString()));
                break;
        }

        _pool.Release(this);
    }

    private void OnDeadline()
    {
        lock (_lock)
        {
            if (_current is null || _process is not { } process)
            {
                return;
            }

            var early = _deadlineAt - Stopwatch.GetTimestamp();
            if (early > 0)
            {
                // A firing meant for an earlier job, or a hair early: wait out the rest.
                _deadline.Change(Stopwatch.GetElapsedTime(0, early) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                return;
            }

            if (_ending is Ending.KilledAfterCancel or Ending.KilledForTimeout)
            {
                return;
            }

            _ending = _ending == Ending.CancelRequested ? Ending.KilledAfterCancel : Ending.KilledForTimeout;
            Kill(process);
        }
    }

    /// <summary>Under <see cref="_lock"/>: fires <see cref="OnDeadline"/> after <paramref name="after"/>.</summary>
    private void Arm(TimeSpan after)
    {
        _deadlineAt = Stopwatch.GetTimestamp() + (long)(after.TotalSeconds * Stopwatch.Frequency);
        _deadline.Change(after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Under <see cref="_lock"/>.</summary>
    private void Disarm()
    {
        _deadlineAt = long.MaxValue;
        _deadline.Change(Timeout.Infinite, Timeout.Infinite);
    }

    private void Send(Stream input, byte[] frame)
    {
        try
        {
            lock (_writeLock)
            {
                input.Write(frame);
                input.Flush();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The worker is gone or going: its output ends and the slot settles the job from there.
        }
    }

    private void Close(Stream input)
    {
        try
        {
            lock (_writeLock)
            {
                input.Dispose();
            }
        }
        catch (IOException)
        {
            // Closing the pipe of a worker that already exited.
        }
    }

    private async Task PumpErrorsAsync(StreamReader errors, StandardErrorTail tail)
    {
        try
        {
            while (await errors.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                tail.Add(line);
                _pool.WriteWorkerError(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The worker's standard error closed under the reader.
        }
    }

    /// <summary>Waits (bounded) for the worker to exit and its standard error to be read to its end; the exit code, or null.</summary>
    private int? WaitForExit(Process process, Task errorPump)
    {
        if (!process.WaitForExit(_options.ExitTimeout))
        {
            Kill(process);
            if (!process.WaitForExit(_options.ExitTimeout))
            {
                return null;
            }
        }

        // A grandchild may hold standard error open; the tail is worth a short wait, not a hang.
        errorPump.Wait(TimeSpan.FromSeconds(1));
        return process.ExitCode;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It already exited.
        }
    }

    private static ProcessJobException ReadFailure(string jobName, int pid, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return new ProcessJobException(jobName, pid,
                root.GetProperty("type").GetString() ?? "?",
                root.GetProperty("message").GetString() ?? string.Empty,
                root.TryGetProperty("stack", out var stack) ? stack.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ProcessJobException($"Job '{jobName}' failed in worker process {pid}, and its error did not read: {e.Message}", e);
        }
    }

    /// <summary>"exited with code 3", "killed by signal 9 (SIGKILL; exit code 137)", or "its exit code could not be read".</summary>
    private static string DescribeExit(int? exitCode)
    {
        if (exitCode is not { } code)
        {
            return "its exit code could not be read";
        }

        if (code is > 128 and < 128 + 65 && !OperatingSystem.IsWindows())
        {
            var signal = code - 128;
            var name = signal switch
            {
                2 => "SIGINT",
                4 => "SIGILL",
                6 => "SIGABRT, as FailFast and abort() raise",
                7 => "SIGBUS",
                8 => "SIGFPE",
                9 => "SIGKILL",
                11 => "SIGSEGV",
                15 => "SIGTERM",
                _ => $"signal {signal}",
            };
            return $"killed by signal {signal} ({name}; exit code {code})";
        }

        return $"exited with code {code}";
    }

    private static string Tail(StandardErrorTail tail)
    {
        var text = tail.ToString();
        return text.Length == 0 ? string.Empty : $" Its last standard error output:{Environment.NewLine}{text}";
    }
}

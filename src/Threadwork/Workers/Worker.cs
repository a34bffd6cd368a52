using System.Runtime.ExceptionServices;

namespace Threadwork.Workers;

/// <summary>
/// A named, dedicated thread that runs a body once, can be asked to stop, and never loses a fault:
/// an exception thrown by the body is kept and re-thrown, with its original stack, by <see cref="Join()"/>.
/// </summary>
/// <remarks>
/// <para>The recipe 12.1 thread, made safe: Python prints and forgets a failing thread's exception,
/// and a raw .NET thread that throws ends the whole process. A worker captures the exception instead.</para>
/// <para>Stopping is cooperative: <see cref="Stop"/> cancels <see cref="WorkerContext.StopToken"/>,
/// which the body passes to its blocking calls. A body that ends by throwing
/// <see cref="OperationCanceledException"/> after a stop request has stopped, not failed:
/// <see cref="Join()"/> returns normally and <see cref="Completion"/> is cancelled.</para>
/// </remarks>
/// <example>
/// <code>
/// var worker = new Worker("countdown", ctx =>
/// {
///     for (var n = 10; n > 0 &amp;&amp; ctx.Sleep(TimeSpan.FromSeconds(1)); n--) Console.WriteLine($"T-minus {n}");
/// });
/// worker.Start();
/// worker.Stop();
/// worker.Join();   // re-throws if the body failed
/// </code>
/// </example>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The stop source has no timer; disposing it would race with a body (or a caller) still observing its token. Its wait handle, if Sleep created one, is released by its finalizer.")]
public class Worker
{
    private const int Created = 0;
    private const int Running = 1;
    private const int StoppedBeforeStart = 2;

    /// <summary>The body a plain worker runs; null for <see cref="Worker{TResult}"/>, which overrides <see cref="RunBody"/>.</summary>
    private readonly Action<WorkerContext>? _body;

    /// <summary>Cancelled by <see cref="Stop"/>; the body sees it as <see cref="WorkerContext.StopToken"/>.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Completed when the body reports it is ready (or on entry); faulted if it fails first.</summary>
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed, faulted or cancelled when the body has finished.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Guards <see cref="_state"/> and <see cref="_thread"/> during Start and Stop, so a racing Join never sees a running state without its thread.</summary>
    private readonly Lock _gate = new();

    /// <summary>Created, Running or StoppedBeforeStart; written under <see cref="_gate"/>.</summary>
    private int _state;

    /// <summary>The dedicated thread; set under <see cref="_gate"/> before the state becomes Running.</summary>
    private Thread? _thread;

    /// <summary>Creates a worker that will run <paramref name="body"/> on its own thread when started.</summary>
    /// <param name="name">The worker's name, also given to its thread; shown in every error about it.</param>
    /// <param name="body">The code to run. It receives a <see cref="WorkerContext"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="body"/> is null.</exception>
    public Worker(string name, Action<WorkerContext> body)
        : this(name)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
    }

    private protected Worker(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The worker's name.</summary>
    public string Name { get; }

    /// <summary>
    /// When true the worker does not keep the process alive (the recipe's <c>daemon=True</c>):
    /// the process may exit while the body is still running. Defaults to false.
    /// </summary>
    public bool IsBackground { get; init; }

    /// <summary>
    /// When true, <see cref="Started"/> completes only when the body calls
    /// <see cref="WorkerContext.SignalStarted"/> (or returns). When false (the default) it completes as
    /// soon as the body is entered.
    /// </summary>
    public bool SignalsStarted { get; init; }

    /// <summary>
    /// Completes when the body is ready (see <see cref="SignalsStarted"/>); faults with the body's
    /// exception if the body fails before that; is cancelled if the worker is stopped before it starts
    /// or the body ends by stopping before it signalled.
    /// </summary>
    public Task Started => _started.Task;

    /// <summary>
    /// Completes when the body returns, faults with the body's exception, or is cancelled when the body
    /// ended by observing a stop request (or never ran because it was stopped before it started).
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>True while the worker's thread is running.</summary>
    public bool IsAlive => Volatile.Read(ref _thread)?.IsAlive ?? false;

    /// <summary>True once <see cref="Stop"/> has been called.</summary>
    public bool IsStopRequested => _stop.IsCancellationRequested;

    /// <summary>Starts the body on a new dedicated thread.</summary>
    /// <exception cref="InvalidOperationException">The worker was already started, or was stopped before it started: a worker runs once.</exception>
    public void Start()
    {
        lock (_gate)
        {
            if (_state == Running)
            {
                throw new InvalidOperationException($"Worker '{Name}' was already started; a worker runs once. Create a new Worker to run again.");
            }

            if (_state == StoppedBeforeStart)
            {
                throw new InvalidOperationException($"Worker '{Name}' was stopped before it started, so it will not run.");
            }

            var thread = new Thread(Run) { Name = Name, IsBackground = IsBackground };
            Volatile.Write(ref _thread, thread);
            _state = Running;
            thread.Start();
        }
    }

    /// <summary>
    /// Asks the worker to stop: cancels <see cref="WorkerContext.StopToken"/>. Returns at once; use
    /// <see cref="Join()"/> to wait for the body to finish. Calling it again, or after the body finished,
    /// has no effect. A worker stopped before it started never runs.
    /// </summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_state == Created)
            {
                _state = StoppedBeforeStart;
                _started.TrySetCanceled();
                _completion.TrySetCanceled();
            }
        }

        _stop.Cancel();
    }

    /// <summary>Waits until the body has finished; re-throws the body's exception with its original stack.</summary>
    /// <exception cref="InvalidOperationException">The worker was never started, or a worker tries to join itself.</exception>
    public void Join() => Join(Timeout.InfiniteTimeSpan);

    /// <summary>Waits at most <paramref name="timeout"/> for the body to finish.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <returns><see langword="true"/> if the body finished (normally or by stopping); <see langword="false"/> on timeout.</returns>
    /// <exception cref="InvalidOperationException">The worker was never started, or a worker tries to join itself.</exception>
    public bool Join(TimeSpan timeout)
    {
        var thread = ThreadToJoin();
        if (thread is not null && !thread.Join(timeout))
        {
            return false;
        }

        ThrowIfFaulted();
        return true;
    }

    /// <summary>Completes when the body has finished; faults with the body's exception.</summary>
    /// <param name="cancellationToken">Ends the wait (not the worker) with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="InvalidOperationException">The worker was never started.</exception>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        ThreadToJoin();
        try
        {
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_completion.Task.IsCanceled)
        {
            // A stopped worker has finished, not failed.
        }
    }

    /// <summary>Runs the body; <see cref="Worker{TResult}"/> overrides it to keep the result.</summary>
    private protected virtual void RunBody(WorkerContext context) => _body!(context);

    internal void CompleteStarted() => _started.TrySetResult();

    private Thread? ThreadToJoin()
    {
        lock (_gate)
        {
            if (_state == Created)
            {
                throw new InvalidOperationException($"Cannot join worker '{Name}' before it is started.");
            }

            if (_thread == Thread.CurrentThread)
            {
                throw new InvalidOperationException($"Worker '{Name}' cannot join itself: it would wait for ever.");
            }

            return _thread;
        }
    }

    private void ThrowIfFaulted()
    {
        if (_completion.Task.Exception is { } fault)
        {
            ExceptionDispatchInfo.Throw(fault.InnerException!);
        }
    }

    private void Run()
    {
        var context = new WorkerContext(this, _stop.Token);
        try
        {
            if (!SignalsStarted)
            {
                _started.TrySetResult();
            }

            RunBody(context);
            _started.TrySetResult();
            _completion.TrySetResult();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _started.TrySetCanceled(_stop.Token);
            _completion.TrySetCanceled(_stop.Token);
        }
#pragma warning disable CA1031 // The point of a worker: any fault is kept for Join instead of ending the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _started.TrySetException(e);
            _completion.TrySetException(e);
        }
    }
}

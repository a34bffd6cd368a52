using Threadwork.Queues;
using Threadwork.Workers;

namespace Threadwork.Pools;

/// <summary>
/// A fixed number of named threads that run submitted functions: recipe 12.7's
/// <c>ThreadPoolExecutor</c>, with a backlog that can push back, an ordered map that does not read its
/// whole input ahead, and a shutdown that says what happens to queued work.
/// </summary>
/// <remarks>
/// <para>Guarantees. Each submitted function runs at most once, on one of the pool's threads, and its
/// task completes with its result, faults with its exception, or is cancelled if the function never
/// ran. A function that throws never ends a pool thread: the pool keeps <see cref="ThreadCount"/>
/// threads until it is shut down.</para>
/// <para>With a backlog capacity, <see cref="Submit{TResult}(Func{CancellationToken, TResult}, CancellationToken)"/>
/// blocks while that many jobs are queued (not yet running), so a fast producer cannot queue
/// unbounded work.</para>
/// <para>Shutdown stops new submits at once. Jobs already queued still run, unless the shutdown asks
/// to cancel them; then their tasks are cancelled and the token handed to running jobs is cancelled
/// too (a running job is never interrupted by force). Shutdown waits for the running jobs.</para>
/// <para>The threads are background threads: a pool that is never shut down does not keep the process alive.</para>
/// </remarks>
/// <example>
/// <code>
/// using var pool = new WorkerPool(threadCount: 8, name: "fetch", backlogCapacity: 100);
/// Task&lt;int&gt; length = pool.Submit(() =&gt; File.ReadAllText("a.txt").Length);
/// foreach (var size in pool.Map(paths, p =&gt; new FileInfo(p).Length))   // in input order, 16 ahead at most
///     Console.WriteLine(size);
/// pool.Shutdown();   // runs what is queued, waits for it
/// </code>
/// </example>
public sealed class WorkerPool : IDisposable
{
    /// <summary>Jobs not yet taken by a thread; bounded by the backlog capacity, closed by shutdown.</summary>
    private readonly WorkQueue<IPoolJob> _queue;

    /// <summary>The pool's threads, created and started by the constructor.</summary>
    private readonly Worker[] _threads;

    /// <summary>Cancelled by a shutdown that cancels queued jobs; handed to every job.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed",
        Justification = "It has no timer; disposing it would race with jobs (and code they handed the token to) still observing it.")]
    private readonly CancellationTokenSource _stopNow = new();

    /// <summary>Jobs running right now; changed only by the pool's threads.</summary>
    private int _running;

    /// <summary>1 once a shutdown has begun.</summary>
    private int _shutdown;

    /// <summary>Creates a pool and starts its threads, named "<paramref name="name"/>-1" to "<paramref name="name"/>-N".</summary>
    /// <param name="threadCount">How many threads; at least 1.</param>
    /// <param name="name">The pool's name, also the prefix of its thread names; shown in errors.</param>
    /// <param name="backlogCapacity">Most jobs queued (waiting for a thread) before a submit blocks; null for no bound.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> or <paramref name="backlogCapacity"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public WorkerPool(int threadCount, string name = "pool", int? backlogCapacity = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ThreadCount = threadCount;
        BacklogCapacity = backlogCapacity;
        _queue = backlogCapacity is { } capacity ? new WorkQueue<IPoolJob>(capacity, name) : new WorkQueue<IPoolJob>(name);
        _threads = new Worker[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            _threads[i] = new Worker($"{name}-{i + 1}", RunJobs) { IsBackground = true };
            _threads[i].Start();
        }

        Completion = Task.WhenAll(_threads.Select(t => t.Completion));
    }

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>How many threads the pool runs.</summary>
    public int ThreadCount { get; }

    /// <summary>Most jobs queued before a submit blocks, or null when unbounded.</summary>
    public int? BacklogCapacity { get; }

    /// <summary>Jobs submitted and not yet taken by a thread.</summary>
    public int QueuedCount => _queue.Count;

    /// <summary>Jobs running right now (at most <see cref="ThreadCount"/>).</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>True once <see cref="Shutdown(bool, CancellationToken)"/>, <see cref="ShutdownAsync"/> or <see cref="Dispose"/> has been called.</summary>
    public bool IsShutdown => Volatile.Read(ref _shutdown) != 0;

    /// <summary>Completes when every pool thread has ended, after a shutdown.</summary>
    public Task Completion { get; }

    /// <summary>Queues <paramref name="job"/> to run on a pool thread.</summary>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="job">The function; it receives the pool's stop-now token (cancelled by a shutdown that cancels queued jobs).</param>
    /// <param name="cancellationToken">Ends a wait for backlog room (the job is then not queued), and cancels the job's task if it has not started by then.</param>
    /// <returns>A task of the job's result: faulted with its exception, cancelled if it never ran.</returns>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for backlog room; the job was not queued.</exception>
    public Task<TResult> Submit<TResult>(Func<CancellationToken, TResult> job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var pending = new PoolJob<TResult>(job);
        Enqueue(pending, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            pending.AttachRegistration(cancellationToken.UnsafeRegister(static state => ((IPoolJob)state!).TryCancel(), pending));
        }

        return pending.Task;
    }

    /// <summary>Queues <paramref name="job"/> to run on a pool thread.</summary>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="job">The function.</param>
    /// <param name="cancellationToken">Ends a wait for backlog room, and cancels the job's task if it has not started by then.</param>
    /// <returns>A task of the job's result: faulted with its exception, cancelled if it never ran.</returns>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for backlog room; the job was not queued.</exception>
    public Task<TResult> Submit<TResult>(Func<TResult> job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Submit(_ => job(), cancellationToken);
    }

    /// <summary>Queues <paramref name="job"/> to run on a pool thread.</summary>
    /// <param name="job">The action; it receives the pool's stop-now token.</param>
    /// <param name="cancellationToken">Ends a wait for backlog room, and cancels the job's task if it has not started by then.</param>
    /// <returns>A task that completes when the action has run: faulted with its exception, cancelled if it never ran.</returns>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for backlog room; the job was not queued.</exception>
    public Task Submit(Action<CancellationToken> job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Submit(token =>
        {
            job(token);
            return true;
        }, cancellationToken);
    }

    /// <summary>Queues <paramref name="job"/> to run on a pool thread.</summary>
    /// <param name="job">The action.</param>
    /// <param name="cancellationToken">Ends a wait for backlog room, and cancels the job's task if it has not started by then.</param>
    /// <returns>A task that completes when the action has run: faulted with its exception, cancelled if it never ran.</returns>
    /// <exception cref="InvalidOperationException">The pool is shut down.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for backlog room; the job was not queued.</exception>
    public Task Submit(Action job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Submit(_ =>
        {
            job();
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="selector"/> on the pool for each item and yields the results in input order
    /// (Python's <c>executor.map</c>), keeping at most <paramref name="lookAhead"/> items submitted and
    /// not yet yielded, so a long or endless input is read only as fast as it is consumed.
    /// </summary>
    /// <typeparam name="TSource">The input items.</typeparam>
    /// <typeparam name="TResult">The results.</typeparam>
    /// <param name="source">The input, read lazily on the enumerating thread.</param>
    /// <param name="selector">The function run on the pool for each item.</param>
    /// <param name="lookAhead">Most items in flight; null for twice <see cref="ThreadCount"/>.</param>
    /// <param name="cancellationToken">Ends waits for results and for backlog room, and cancels the items in flight.</param>
    /// <returns>The results in input order. A failed item re-throws its exception when its turn comes; stopping the
    /// enumeration early (or a failure) cancels the items still queued.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookAhead"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The pool is shut down (on enumeration).</exception>
    /// <remarks>Do not enumerate a map from one of this pool's own threads with a look-ahead larger than the pool: the items would wait for the thread that waits for them.</remarks>
    public IEnumerable<TResult> Map<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, TResult> selector, int? lookAhead = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        var window = lookAhead ?? 2 * ThreadCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1, nameof(lookAhead));
        return OrderedMap.Run(source, (item, token) => Submit(_ => selector(item), token), window, cancellationToken);
    }

    /// <summary>Stops new submits, waits for the running jobs (and, unless cancelled, the queued ones) and ends the threads.</summary>
    /// <param name="cancelQueued">True to cancel the queued jobs' tasks and the running jobs' token instead of running what is queued.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <exception cref="OperationCanceledException">The token was cancelled before the threads ended.</exception>
    public void Shutdown(bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        Completion.Wait(cancellationToken);
    }

    /// <summary>Like <see cref="Shutdown(bool, CancellationToken)"/>, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait for the threads to end.</param>
    /// <param name="cancelQueued">True to cancel the queued jobs instead of running them.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <returns><see langword="true"/> if every thread ended in time.</returns>
    public bool Shutdown(TimeSpan timeout, bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        return Completion.Wait(timeout, cancellationToken);
    }

    /// <summary>Like <see cref="Shutdown(bool, CancellationToken)"/>, waiting asynchronously.</summary>
    /// <param name="cancelQueued">True to cancel the queued jobs instead of running them.</param>
    /// <param name="cancellationToken">Ends the wait (the shutdown itself goes on).</param>
    /// <returns>A task that completes when every thread has ended.</returns>
    public Task ShutdownAsync(bool cancelQueued = false, CancellationToken cancellationToken = default)
    {
        BeginShutdown(cancelQueued);
        return Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Shuts down, cancelling queued jobs, and waits for the running ones to return.</summary>
    public void Dispose()
    {
        BeginShutdown(cancelQueued: true);
        Completion.Wait();
    }

    private void Enqueue(IPoolJob job, CancellationToken cancellationToken)
    {
        if (IsShutdown)
        {
            throw ShutDownError(null);
        }

        try
        {
            _queue.Put(job, cancellationToken);
        }
        catch (QueueClosedException e)
        {
            throw ShutDownError(e);
        }
    }

    private InvalidOperationException ShutDownError(Exception? inner) =>
        new($"Worker pool '{Name}' is shut down; it accepts no new jobs.", inner);

    private void BeginShutdown(bool cancelQueued)
    {
        Volatile.Write(ref _shutdown, 1);
        _queue.Close();
        if (cancelQueued)
        {
            // Threads check the token before running a job they took, so a job they race us for is
            // cancelled by them instead; every queued job ends up either here or there, once.
            _stopNow.Cancel();
            while (_queue.TryGet(out var job))
            {
                job.TryCancel();
            }
        }
    }

    private void RunJobs(WorkerContext context)
    {
        var stopNow = _stopNow.Token;
        foreach (var job in _queue.Consume())
        {
            if (stopNow.IsCancellationRequested)
            {
                job.TryCancel();
                continue;
            }

            Interlocked.Increment(ref _running);
            try
            {
                job.Run(stopNow);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}

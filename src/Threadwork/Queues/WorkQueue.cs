using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Threadwork.Queues;

/// <summary>
/// A first-in-first-out queue for many producers and many consumers, blocking or async, bounded or
/// not, that can be closed instead of fed a sentinel, and that counts unfinished work like Python's
/// <c>queue.Queue</c> (recipe 12.3).
/// </summary>
/// <remarks>
/// <para>Guarantees. Every item put is delivered to exactly one consumer. A get that is cancelled or
/// times out at the same moment a put hands it an item either returns that item or leaves it in the
/// queue: it is never dropped. A put that is cancelled or times out either put its item or did not;
/// it never reports failure for an item that went in.</para>
/// <para>Closing (<see cref="Close()"/>) wakes every waiting consumer and producer; items already
/// queued are still delivered, then gets report the close (with the error given to
/// <see cref="Close(Exception)"/>, if any); puts after the close throw <see cref="QueueClosedException"/>.</para>
/// <para>Work counting: each item put counts as unfinished until a consumer calls <see cref="TaskDone"/>;
/// <see cref="Join(CancellationToken)"/> waits until nothing is unfinished.</para>
/// <para>A <see cref="ValueTask"/> returned by an async method must be awaited exactly once.</para>
/// </remarks>
/// <typeparam name="T">The type of the items.</typeparam>
/// <example>
/// <code>
/// var queue = new WorkQueue&lt;string&gt;(capacity: 100, name: "lines");
/// var consumer = new Worker("consumer", ctx =>
/// {
///     foreach (var line in queue.Consume(ctx.StopToken)) { Console.WriteLine(line); queue.TaskDone(); }
/// });
/// consumer.Start();
/// queue.Put("hello");
/// queue.Join();    // until the consumer has marked every line done
/// queue.Close();   // the consumer's loop ends once the queue is drained
/// consumer.Join();
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a queue; the name says so, as Python's queue.Queue does.")]
public class WorkQueue<T>
{
    /// <summary>
    /// Guards every field below it, the storage and both waiter lists. The one exception is
    /// <see cref="_lockFreeItems"/>, which consumers may take from without it (adds still need it).
    /// </summary>
    private readonly Lock _lock = new();

    /// <summary>Items nobody was waiting for, in delivery order.</summary>
    private readonly QueueStorage<T> _storage;

    /// <summary>
    /// The storage again when it may be taken from without the lock (unbounded first-in-first-out
    /// queues), else null. Such a queue never has waiting producers, so a lock-free take has no
    /// producer to admit.
    /// </summary>
    private readonly ConcurrentFifoStorage<T>? _lockFreeItems;

    /// <summary>Consumers waiting for an item; only ever non-empty (ignoring claimed leftovers) while the storage is empty and the queue open.</summary>
    private readonly WaiterList<IQueueWaiter<T>> _getters = new();

    /// <summary>Producers waiting for room; only ever non-empty (ignoring claimed leftovers) while the storage is full and the queue open.</summary>
    private readonly WaiterList<PutWaiter<T>> _putters = new();

    /// <summary>Most items stored at once; <see cref="int.MaxValue"/> when unbounded.</summary>
    private readonly int _capacity;

    /// <summary>Set once by Close; read without the lock by <see cref="IsClosed"/>.</summary>
    private volatile bool _closed;

    /// <summary>The error given to Close, handed to consumers once drained.</summary>
    private Exception? _closeError;

    /// <summary>Items put and not yet marked done.</summary>
    /// <remarks>Padded: it changes on every put, and lock-free consumers read the fields beside it.</remarks>
    private PaddedCount _unfinished;

    /// <summary>Completed when <see cref="_unfinished"/> reaches zero; created only when someone joins.</summary>
    private TaskCompletionSource? _allDone;

    /// <summary>One idle async get waiter, reused by the next async get that has to wait; swapped atomically.</summary>
    private AsyncGetWaiter<T>? _spareGetter;

    /// <summary>One idle async put waiter, reused by the next async put that has to wait; swapped atomically.</summary>
    private AsyncPutWaiter<T>? _sparePutter;

    /// <summary>Creates an unbounded queue: puts never wait.</summary>
    /// <param name="name">Shown in every error about this queue; optional.</param>
    public WorkQueue(string? name = null)
        : this(name, null, new ConcurrentFifoStorage<T>())
    {
    }

    /// <summary>Creates a bounded queue: a put waits while <paramref name="capacity"/> items are queued.</summary>
    /// <param name="capacity">Most items held at once; at least 1.</param>
    /// <param name="name">Shown in every error about this queue; optional.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public WorkQueue(int capacity, string? name = null)
        : this(name, capacity, new FifoStorage<T>(capacity))
    {
    }

    private protected WorkQueue(string? name, int? capacity, QueueStorage<T> storage)
    {
        if (capacity is { } bound)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1, nameof(capacity));
        }

        Name = name;
        Capacity = capacity;
        _capacity = capacity ?? int.MaxValue;
        _storage = storage;
        _lockFreeItems = storage as ConcurrentFifoStorage<T>;
        Debug.Assert(_lockFreeItems is null || capacity is null, "lock-free takes skip admitting producers, so the queue must be unbounded");
    }

    /// <summary>The name given at creation, or null.</summary>
    public string? Name { get; }

    /// <summary>Most items held at once, or null for an unbounded queue.</summary>
    public int? Capacity { get; }

    /// <summary>Items queued right now (not counting items held by producers still waiting for room).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _storage.Count;
            }
        }
    }

    /// <summary>True once <see cref="Close()"/> or <see cref="Close(Exception)"/> has been called (items may still be queued).</summary>
    public bool IsClosed => _closed;

    /// <summary>
    /// Items put and not yet marked done with <see cref="TaskDone"/> (Python's <c>unfinished_tasks</c>):
    /// both those still queued and those taken but not finished.
    /// </summary>
    public long UnfinishedTasks
    {
        get
        {
            lock (_lock)
            {
                return _unfinished.Value;
            }
        }
    }

    /// <summary>Consumer waiters on the list (including claimed ones not yet dropped); for tests and diagnostics.</summary>
    internal int WaitingConsumers
    {
        get
        {
            lock (_lock)
            {
                return _getters.Count;
            }
        }
    }

    /// <summary>Producer waiters on the list (including claimed ones not yet dropped); for tests and diagnostics.</summary>
    internal int WaitingProducers
    {
        get
        {
            lock (_lock)
            {
                return _putters.Count;
            }
        }
    }

    /// <summary>Puts an item, waiting while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    public void Put(T item, CancellationToken cancellationToken = default) =>
        PutCore(item, 0, Timeout.Infinite, cancellationToken);

    /// <summary>Puts an item, waiting at most <paramref name="timeout"/> while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <exception cref="TimeoutException">No room within <paramref name="timeout"/>; the item was not put.</exception>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public void Put(T item, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PutCore(item, 0, ToMilliseconds(timeout), cancellationToken);

    /// <summary>Puts an item if there is room now; never waits.</summary>
    /// <param name="item">The item.</param>
    /// <returns><see langword="true"/> if the item was put; <see langword="false"/> if a bounded queue is full.</returns>
    /// <exception cref="QueueClosedException">The queue is closed; the item was not put.</exception>
    public bool TryPut(T item) => TryPutCore(item, 0, 0, default);

    /// <summary>Puts an item, waiting at most <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait for room; zero does not wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns><see langword="true"/> if the item was put; <see langword="false"/> if there was no room in time.</returns>
    /// <exception cref="QueueClosedException">The queue is closed, or was closed while waiting; the item was not put.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the item was not put.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public bool TryPut(T item, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TryPutCore(item, 0, ToMilliseconds(timeout), cancellationToken);

    /// <summary>Puts an item, waiting asynchronously while a bounded queue is full.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns>Completes when the item is in the queue; faults with <see cref="QueueClosedException"/> if the queue is or becomes closed first.</returns>
    public ValueTask PutAsync(T item, CancellationToken cancellationToken = default) =>
        PutAsyncCore(item, 0, cancellationToken);

    /// <summary>Puts an item, waiting asynchronously at most <paramref name="timeout"/> for room.</summary>
    /// <param name="item">The item.</param>
    /// <param name="timeout">How long to wait for room; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the item is then not put.</param>
    /// <returns>Completes when the item is in the queue; faults with <see cref="TimeoutException"/> if there was no room in time, or <see cref="QueueClosedException"/> if the queue is or becomes closed first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public ValueTask PutAsync(T item, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PutAsyncCore(item, 0, ToMilliseconds(timeout), cancellationToken);

    /// <summary>Takes the next item, waiting while the queue is empty.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no item is taken.</param>
    /// <returns>The item.</returns>
    /// <exception cref="QueueClosedException">The queue is closed and drained; its close error, if any, is the inner exception.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; no item was taken.</exception>
    public T Get(CancellationToken cancellationToken = default)
    {
        GetCore(Timeout.Infinite, cancellationToken, out var item);
        return item!;
    }

    /// <summary>Takes the next item, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no item is taken.</param>
    /// <returns>The item.</returns>
    /// <exception cref="TimeoutException">No item arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="QueueClosedException">The queue is closed and drained; its close error, if any, is the inner exception.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; no item was taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public T Get(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!GetCore(ToMilliseconds(timeout), cancellationToken, out var item))
        {
            throw new TimeoutException($"{Describe()} delivered no item within {timeout}.");
        }

        return item;
    }

    /// <summary>Takes the next item if there is one now; never waits.</summary>
    /// <param name="item">The item, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if an item was taken; <see langword="false"/> if the queue is empty (open or closed).</returns>
    public bool TryGet([MaybeNullWhen(false)] out T item) => TryGet(TimeSpan.Zero, out item);

    /// <summary>Takes the next item, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; zero does not wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="item">The item, when the result is <see langword="true"/>.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no item is taken.</param>
    /// <returns>
    /// <see langword="true"/> if an item was taken; <see langword="false"/> if none arrived in time or the
    /// queue is closed and drained (see <see cref="IsClosed"/>; the close error is not thrown).
    /// </returns>
    /// <exception cref="OperationCanceledException">The token was cancelled; no item was taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public bool TryGet(TimeSpan timeout, [MaybeNullWhen(false)] out T item, CancellationToken cancellationToken = default)
    {
        var milliseconds = ToMilliseconds(timeout);
        try
        {
            return GetCore(milliseconds, cancellationToken, out item);
        }
        catch (QueueClosedException)
        {
            item = default;
            return false;
        }
    }

    /// <summary>Takes the next item, waiting asynchronously while the queue is empty.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no item is taken.</param>
    /// <returns>The item; faults with <see cref="QueueClosedException"/> (close error as inner exception) when the queue is closed and drained.</returns>
    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        // Without the lock: an item reserved here is ours alone. Finding none proves nothing (a put may
        // be under way), so the decision to wait is taken again under the lock, where puts happen.
        if (_lockFreeItems is { } items && items.TryTake(out var item))
        {
            return new ValueTask<T>(item);
        }

        PutWaiter<T>? admitted;
        AsyncGetWaiter<T> waiter;
        lock (_lock)
        {
            if (!_storage.TryTake(out item))
            {
                if (_closed)
                {
                    return ValueTask.FromException<T>(ClosedForGet(_closeError));
                }

                waiter = Interlocked.Exchange(ref _spareGetter, null) ?? new AsyncGetWaiter<T>(this);
                waiter.Arm();
                _getters.Enqueue(waiter);
                goto Wait;
            }

            admitted = AdmitPutterLocked();
        }

        admitted?.Admit();
        return new ValueTask<T>(item);

    Wait:
        return waiter.WaitAsync(cancellationToken);
    }

    /// <summary>Takes the next item, waiting asynchronously at most <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no item is taken.</param>
    /// <returns>The item; faults with <see cref="TimeoutException"/> if none arrived in time, or <see cref="QueueClosedException"/> when the queue is closed and drained.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public ValueTask<T> GetAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var milliseconds = ToMilliseconds(timeout);
        return milliseconds == Timeout.Infinite ? GetAsync(cancellationToken) : GetWithTimeoutAsync(timeout, milliseconds, cancellationToken);
    }

    /// <summary>
    /// Yields items as they arrive, blocking between them, until the queue is closed and drained: the
    /// consumer loop of recipe 12.3 without a sentinel.
    /// </summary>
    /// <param name="cancellationToken">Ends the loop with <see cref="OperationCanceledException"/>; no item is lost.</param>
    /// <returns>The items, each taken by this consumer only.</returns>
    /// <exception cref="QueueClosedException">The queue was closed with an error (the inner exception) and is drained.</exception>
    public IEnumerable<T> Consume(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            T? item;
            try
            {
                GetCore(Timeout.Infinite, cancellationToken, out item);
            }
            catch (QueueClosedException e) when (e.InnerException is null)
            {
                yield break;
            }

            yield return item!;
        }
    }

    /// <summary>Yields items as they arrive, waiting asynchronously, until the queue is closed and drained.</summary>
    /// <param name="cancellationToken">Ends the loop with <see cref="OperationCanceledException"/>; no item is lost.</param>
    /// <returns>The items, each taken by this consumer only.</returns>
    /// <exception cref="QueueClosedException">The queue was closed with an error (the inner exception) and is drained.</exception>
    public async IAsyncEnumerable<T> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            T item;
            try
            {
                item = await GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (QueueClosedException e) when (e.InnerException is null)
            {
                yield break;
            }

            yield return item;
        }
    }

    /// <summary>
    /// Closes the queue: waiting consumers and producers wake, queued items are still delivered, and
    /// every later put throws <see cref="QueueClosedException"/>. Once drained, gets report the close.
    /// </summary>
    /// <returns><see langword="true"/> if this call closed the queue; <see langword="false"/> if it was already closed (the first close wins).</returns>
    public bool Close() => CloseCore(null);

    /// <summary>
    /// Closes the queue with an error: like <see cref="Close()"/>, and once the queue is drained every
    /// get, <see cref="Consume"/> and <see cref="ConsumeAsync"/> throws <see cref="QueueClosedException"/>
    /// with <paramref name="error"/> as its inner exception.
    /// </summary>
    /// <param name="error">Why the producer side ended.</param>
    /// <returns><see langword="true"/> if this call closed the queue; <see langword="false"/> if it was already closed (the first close wins).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    public bool Close(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return CloseCore(error);
    }

    /// <summary>Marks one taken item as finished (Python's <c>task_done</c>); when none is left unfinished, <see cref="Join(CancellationToken)"/> returns.</summary>
    /// <exception cref="InvalidOperationException">Every item taken so far was already marked done.</exception>
    public void TaskDone()
    {
        TaskCompletionSource? allDone = null;
        lock (_lock)
        {
            // Taken = unfinished - queued. Lock-free takes may shrink the count as we read it, but every
            // take this caller made before calling is already in it, so a legitimate call never fails.
            if (_unfinished.Value - _storage.Count <= 0)
            {
                throw new InvalidOperationException(
                    $"TaskDone was called more times than items were taken from {Describe()}: {_unfinished.Value} item(s) unfinished, all of them still queued.");
            }

            if (--_unfinished.Value == 0)
            {
                allDone = _allDone;
                _allDone = null;
            }
        }

        allDone?.TrySetResult();
    }

    /// <summary>Waits until every item put has been marked done with <see cref="TaskDone"/> (Python's <c>join</c>).</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    public void Join(CancellationToken cancellationToken = default) => WhenAllDone().Wait(cancellationToken);

    /// <summary>Waits at most <paramref name="timeout"/> until every item put has been marked done.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="true"/> if nothing is unfinished; <see langword="false"/> on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    public bool Join(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WhenAllDone().Wait(ToMilliseconds(timeout), cancellationToken);

    /// <summary>Completes when every item put has been marked done with <see cref="TaskDone"/>.</summary>
    /// <param name="cancellationToken">Ends the wait (not the work) with <see cref="OperationCanceledException"/>.</param>
    public Task JoinAsync(CancellationToken cancellationToken = default) => WhenAllDone().WaitAsync(cancellationToken);

    /// <summary>
    /// Claims <paramref name="waiter"/> and takes an item at once if the queue has one (or is closed and
    /// drained); otherwise registers the waiter, to be claimed by a later put or close, or withdrawn.
    /// </summary>
    /// <param name="waiter">An armed waiter; it may be registered on other queues too.</param>
    /// <param name="item">The item taken, when the result is <see cref="WaiterRegistration.Taken"/>.</param>
    /// <param name="closeError">The close error, when the result is <see cref="WaiterRegistration.Closed"/>.</param>
    internal WaiterRegistration TryTakeOrRegister(IQueueWaiter<T> waiter, out T? item, out Exception? closeError)
    {
        PutWaiter<T>? admitted;
        item = default;
        closeError = null;
        lock (_lock)
        {
            // A reservation, not a count, because lock-free takers may empty the storage between a
            // check and the take; the item stays in place until the claim below is won.
            if (!_storage.TryReserve())
            {
                if (!_closed)
                {
                    _getters.Enqueue(waiter);
                    return WaiterRegistration.Registered;
                }

                if (!waiter.TryClaim())
                {
                    return WaiterRegistration.AlreadyClaimed;
                }

                closeError = _closeError;
                return WaiterRegistration.Closed;
            }

            // The claim comes before the take, so a waiter already claimed by another queue takes
            // nothing here: the reserved item goes back, still first in line.
            if (!waiter.TryClaim())
            {
                _storage.CancelReservation();
                return WaiterRegistration.AlreadyClaimed;
            }

            item = _storage.TakeReserved();
            admitted = AdmitPutterLocked();
        }

        admitted?.Admit();
        return WaiterRegistration.Taken;
    }

    /// <summary>
    /// Takes an item if one is there now, without waiting or registering; when there is none, says
    /// whether the queue is closed and drained. Never throws for a closed queue.
    /// </summary>
    /// <remarks>
    /// For Select's first pass. On an unbounded queue an empty, open answer is read without the lock
    /// and may be stale (a put may be under way); that is safe because Select decides to wait only in
    /// <see cref="TryTakeOrRegister"/>, under the lock. A closed answer is always read under the lock.
    /// </remarks>
    internal bool TryTakeNow([MaybeNullWhen(false)] out T item, out bool closed, out Exception? closeError)
    {
        closed = false;
        closeError = null;
        if (_lockFreeItems is { } items)
        {
            if (items.TryTake(out item))
            {
                return true;
            }

            if (!_closed)
            {
                return false;
            }
        }

        PutWaiter<T>? admitted;
        lock (_lock)
        {
            if (!_storage.TryTake(out item))
            {
                closed = _closed;
                closeError = _closeError;
                return false;
            }

            admitted = AdmitPutterLocked();
        }

        admitted?.Admit();
        return true;
    }

    /// <summary>Removes a waiter whose owner won its claim (cancelled) from this queue's list; no effect if it is not there.</summary>
    internal void Withdraw(IQueueWaiter<T> waiter)
    {
        lock (_lock)
        {
            _getters.Remove(waiter);
        }
    }

    /// <summary>Removes a producer waiter whose owner won its claim (cancelled); no effect if it is not there.</summary>
    internal void Withdraw(PutWaiter<T> waiter)
    {
        lock (_lock)
        {
            _putters.Remove(waiter);
        }
    }

    /// <summary>Puts with the given priority, waiting at most <paramref name="millisecondsTimeout"/>; throws <see cref="TimeoutException"/> on timeout.</summary>
    private protected void PutCore(T item, int priority, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        if (!TryPutCore(item, priority, millisecondsTimeout, cancellationToken))
        {
            throw new TimeoutException($"{Describe()} had no room within {millisecondsTimeout} ms; the item was not put.");
        }
    }

    /// <summary>Puts with the given priority, waiting at most <paramref name="millisecondsTimeout"/>; false on timeout.</summary>
    private protected bool TryPutCore(T item, int priority, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IQueueWaiter<T>? receiver;
        SyncPutWaiter<T> waiter;
        lock (_lock)
        {
            if (TryPutLocked(item, priority, out receiver))
            {
                goto Delivered;
            }

            if (millisecondsTimeout == 0)
            {
                return false;
            }

            waiter = SyncPutWaiter<T>.Rent(item, priority);
            _putters.Enqueue(waiter);
        }

        return AwaitRoom(waiter, millisecondsTimeout, cancellationToken);

    Delivered:
        receiver?.Deliver(item);
        return true;
    }

    /// <summary>Puts asynchronously with the given priority.</summary>
    private protected ValueTask PutAsyncCore(T item, int priority, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        IQueueWaiter<T>? receiver;
        AsyncPutWaiter<T> waiter;
        lock (_lock)
        {
            if (_closed)
            {
                return ValueTask.FromException(ClosedForPut());
            }

            if (TryPutLocked(item, priority, out receiver))
            {
                goto Delivered;
            }

            waiter = Interlocked.Exchange(ref _sparePutter, null) ?? new AsyncPutWaiter<T>(this);
            waiter.Prepare(item, priority);
            _putters.Enqueue(waiter);
        }

        return waiter.WaitAsync(cancellationToken);

    Delivered:
        receiver?.Deliver(item);
        return ValueTask.CompletedTask;
    }

    /// <summary>Puts asynchronously with the given priority, failing with <see cref="TimeoutException"/> after <paramref name="millisecondsTimeout"/>.</summary>
    private protected ValueTask PutAsyncCore(T item, int priority, int millisecondsTimeout, CancellationToken cancellationToken) =>
        millisecondsTimeout == Timeout.Infinite
            ? PutAsyncCore(item, priority, cancellationToken)
            : PutWithTimeoutAsync(item, priority, millisecondsTimeout, cancellationToken);

    /// <summary>Hands back an async get waiter whose result was read; kept as the spare.</summary>
    internal void ReturnSpare(AsyncGetWaiter<T> waiter) => Volatile.Write(ref _spareGetter, waiter);

    /// <summary>Hands back an async put waiter whose outcome was read; kept as the spare.</summary>
    internal void ReturnSpare(AsyncPutWaiter<T> waiter) => Volatile.Write(ref _sparePutter, waiter);

    /// <summary>The exception a get sees once the queue is closed and drained.</summary>
    internal QueueClosedException ClosedForGet(Exception? error) =>
        error is null
            ? new QueueClosedException($"{Describe()} is closed and has no items left.") { QueueName = Name }
            : new QueueClosedException($"{Describe()} was closed with an error and has no items left: {error.Message}", error) { QueueName = Name };

    /// <summary>Converts a timeout argument, rejecting negative (other than infinite) and too-large values.</summary>
    private protected static int ToMilliseconds(TimeSpan timeout)
    {
        var milliseconds = (long)timeout.TotalMilliseconds;
        if (milliseconds < Timeout.Infinite || milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan, or between zero and int.MaxValue milliseconds.");
        }

        return (int)milliseconds;
    }

    private QueueClosedException ClosedForPut() =>
        new($"{Describe()} is closed; no more items can be put.") { QueueName = Name };

    private string Describe() => Name is null ? "The queue" : $"Queue '{Name}'";

    /// <summary>
    /// Under the lock: hands the item to the first consumer it can claim, else stores it if there is
    /// room. Returns false (having done nothing) when full; throws when closed.
    /// </summary>
    private bool TryPutLocked(T item, int priority, out IQueueWaiter<T>? receiver)
    {
        if (_closed)
        {
            throw ClosedForPut();
        }

        receiver = null;
        while (_getters.TryDequeue(out var getter))
        {
            // A failed claim is a waiter that was cancelled or served by another queue: drop it and
            // offer the item to the next one.
            if (getter!.TryClaim())
            {
                Debug.Assert(_storage.Count == 0, "a live consumer waited while items were queued");
                _storage.AwaitReservedTakes();
                receiver = getter;
                _unfinished.Value++;
                return true;
            }
        }

        // Unbounded queues skip the count: reading it would touch the lock-free consumers' cache line.
        if (_capacity != int.MaxValue && _storage.Count >= _capacity)
        {
            return false;
        }

        _storage.Add(item, priority);
        _unfinished.Value++;
        return true;
    }

    /// <summary>Under the lock, after a take freed a slot: moves the longest-waiting producer's item in.</summary>
    private PutWaiter<T>? AdmitPutterLocked()
    {
        while (_putters.TryDequeue(out var putter))
        {
            if (putter!.TryClaim())
            {
                _storage.Add(putter.Item, putter.Priority);
                _unfinished.Value++;
                return putter;
            }
        }

        return null;
    }

    /// <summary>Takes an item, waiting at most <paramref name="millisecondsTimeout"/>; false on timeout; throws when closed and drained.</summary>
    private bool GetCore(int millisecondsTimeout, CancellationToken cancellationToken, [MaybeNullWhen(false)] out T item)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Without the lock, as in GetAsync: an empty result is checked again under the lock.
        if (_lockFreeItems is { } items && items.TryTake(out item))
        {
            return true;
        }

        PutWaiter<T>? admitted;
        SyncGetWaiter<T> waiter;
        lock (_lock)
        {
            if (!_storage.TryTake(out item))
            {
                if (_closed)
                {
                    throw ClosedForGet(_closeError);
                }

                if (millisecondsTimeout == 0)
                {
                    item = default;
                    return false;
                }

                waiter = SyncGetWaiter<T>.Rent();
                _getters.Enqueue(waiter);
                goto Wait;
            }

            admitted = AdmitPutterLocked();
        }

        admitted?.Admit();
        return true;

    Wait:
        return AwaitItem(waiter, millisecondsTimeout, cancellationToken, out item);
    }

    private bool AwaitItem(SyncGetWaiter<T> waiter, int millisecondsTimeout, CancellationToken cancellationToken, [MaybeNullWhen(false)] out T item)
    {
        bool delivered;
        try
        {
            delivered = waiter.Wait(millisecondsTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (waiter.TryClaim())
            {
                Withdraw(waiter);
                waiter.Return();
                throw;
            }

            // A put claimed this waiter as the token fired: its item is ours; return it rather than drop it.
            delivered = false;
        }

        if (!delivered)
        {
            if (waiter.TryClaim())
            {
                Withdraw(waiter);
                waiter.Return();
                item = default;
                return false;
            }

            waiter.WaitForClaimedDelivery();
        }

        var closed = waiter.IsClosed;
        var closeError = waiter.CloseError;
        item = waiter.Item;
        waiter.Return();
        if (closed)
        {
            throw ClosedForGet(closeError);
        }

        return true;
    }

    private bool AwaitRoom(SyncPutWaiter<T> waiter, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        bool done;
        try
        {
            done = waiter.Wait(millisecondsTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (waiter.TryClaim())
            {
                Withdraw(waiter);
                waiter.Return();
                throw;
            }

            // A consumer admitted the item (or close rejected it) as the token fired: report that outcome.
            done = false;
        }

        if (!done)
        {
            if (waiter.TryClaim())
            {
                Withdraw(waiter);
                waiter.Return();
                return false;
            }

            waiter.WaitForClaimedOutcome();
        }

        var rejection = waiter.Rejection;
        waiter.Return();
        if (rejection is not null)
        {
            throw rejection;
        }

        return true;
    }

    private async ValueTask<T> GetWithTimeoutAsync(TimeSpan timeout, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(millisecondsTimeout);
        try
        {
            return await GetAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Describe()} delivered no item within {timeout}.");
        }
    }

    private async ValueTask PutWithTimeoutAsync(T item, int priority, int millisecondsTimeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(millisecondsTimeout);
        try
        {
            await PutAsyncCore(item, priority, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Describe()} had no room within {millisecondsTimeout} ms; the item was not put.");
        }
    }

    private bool CloseCore(Exception? error)
    {
        List<PutWaiter<T>>? rejected = null;
        List<IQueueWaiter<T>>? woken = null;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            _closeError = error;
            while (_putters.TryDequeue(out var putter))
            {
                if (putter!.TryClaim())
                {
                    (rejected ??= []).Add(putter);
                }
            }

            // Lock-free takes may empty the storage right after this check; that is safe because no
            // consumer waits while items are queued, and later ones see the close under the lock.
            if (_storage.Count == 0)
            {
                while (_getters.TryDequeue(out var getter))
                {
                    if (getter!.TryClaim())
                    {
                        (woken ??= []).Add(getter);
                    }
                }
            }
        }

        // Outside the lock: each waiter gets its own exception, so no two threads throw one object.
        foreach (var putter in rejected ?? [])
        {
            putter.Reject(ClosedForPut());
        }

        foreach (var getter in woken ?? [])
        {
            getter.DeliverClosed(error);
        }

        return true;
    }

    private Task WhenAllDone()
    {
        lock (_lock)
        {
            return _unfinished.Value == 0
                ? Task.CompletedTask
                : (_allDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}

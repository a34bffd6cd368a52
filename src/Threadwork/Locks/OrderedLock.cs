using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Locks;

/// <summary>
/// A named lock with a stable global rank. Locks taken together with <see cref="AcquireAll(ReadOnlySpan{OrderedLock})"/>
/// are always taken in rising rank order, whatever order the caller names them in, so two threads that take
/// the same locks together cannot deadlock each other.
/// </summary>
/// <remarks>
/// <para>Recipe 12.5 sorts locks by <c>id()</c>; object addresses move in .NET, so each lock gets a rank
/// instead: the next value of a process-wide counter, or one you give.</para>
/// <para>Two kinds of checking, which differ on purpose:</para>
/// <list type="bullet">
/// <item><description>Rank checking, always on, applies to ordered use: <see cref="AcquireAll(ReadOnlySpan{OrderedLock})"/>
/// and its overloads throw <see cref="LockOrderException"/> at once if the thread already holds a lock whose
/// rank is the same as or above the lowest rank asked for.</description></item>
/// <item><description>Plain use, <see cref="Acquire()"/> of one lock, is not rank-checked: like a plain
/// <see cref="Lock"/> it may be nested in any order. When the <see cref="LockOrderValidator"/> is on it
/// observes every acquisition, plain and ordered, and reports orders that could deadlock the first time
/// they disagree.</description></item>
/// </list>
/// <para>Any acquisition of a lock the thread already holds throws <see cref="LockOrderException"/>:
/// an ordered lock is not re-entrant.</para>
/// </remarks>
/// <example>
/// <code>
/// var accounts = new OrderedLock("accounts");
/// var audit = new OrderedLock("audit");
/// using (OrderedLock.AcquireAll(audit, accounts))   // taken as accounts, then audit
/// {
///     // both held; released audit first, then accounts
/// }
/// </code>
/// </example>
public sealed class OrderedLock
{
    /// <summary>How often a wait that can be cancelled looks at its token.</summary>
    private static readonly TimeSpan CancellationPollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>The last rank handed out automatically; only ever incremented.</summary>
    private static long s_lastRank;

    /// <summary>The mutual exclusion itself; who holds it is in the holding thread's <see cref="HeldLocks"/>.</summary>
    private LockWord _word;

    /// <summary>
    /// The thread holding the lock, if it took it while the validator was on; written by that thread just after
    /// entering and cleared just before exiting, read by long-wait reports.
    /// </summary>
    private volatile Thread? _holder;

    /// <summary>
    /// The orders seen from this lock (locks taken while it was held), for the validator. Replaced, never
    /// changed, under the validator's gate, so readers see a whole snapshot without locking.
    /// </summary>
    private volatile LockEdges _edges = LockEdges.Empty;

    /// <summary>Creates a lock whose rank is above that of every lock created before it without an explicit rank.</summary>
    /// <param name="name">Shown in every error and report about the lock.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public OrderedLock(string name)
        : this(name, Interlocked.Increment(ref s_lastRank))
    {
    }

    /// <summary>Creates a lock with the rank you give, for a lock hierarchy fixed in code.</summary>
    /// <param name="name">Shown in every error and report about the lock.</param>
    /// <param name="rank">
    /// Its place in the global order; lower ranks are taken first. Two distinct locks of the same rank cannot
    /// be held together. Automatic ranks count up from 1, so a hierarchy that mixes both should use ranks that
    /// cannot meet them (e.g. negative, or very large).
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public OrderedLock(string name, long rank)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Rank = rank;
    }

    /// <summary>The lock's name.</summary>
    public string Name { get; }

    /// <summary>The lock's place in the global order: locks taken together are taken lowest rank first.</summary>
    public long Rank { get; }

    /// <summary>True when the calling thread holds this lock.</summary>
    public bool IsHeldByCurrentThread => HeldLocks.Current.Contains(this);

    /// <summary>True while the lock is held and another thread waits for it or is about to (a snapshot, for tests).</summary>
    internal bool HasWaiters => _word.IsMarkedForWaiters;

    /// <summary>The orders the validator has seen from this lock, in the current validator generation.</summary>
    internal LockEdges Edges
    {
        get => _edges;
        set => _edges = value;
    }

    /// <summary>
    /// Takes the lock, waiting as long as it takes (plain use: not rank-checked; observed by the validator).
    /// </summary>
    /// <returns>A scope whose <see cref="OrderedLockScope.Dispose"/> releases the lock.</returns>
    /// <exception cref="LockOrderException">The thread already holds this lock.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle.</exception>
    public OrderedLockScope Acquire()
    {
        var held = HeldLocks.Current;
        EnterUntimed(held);
        return new OrderedLockScope(held, this, null);
    }

    /// <summary>Takes the lock, waiting until it is free or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>, holding nothing new; observed within about 10 ms.</param>
    /// <returns>A scope whose <see cref="OrderedLockScope.Dispose"/> releases the lock.</returns>
    /// <exception cref="LockOrderException">The thread already holds this lock.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the lock was taken.</exception>
    public OrderedLockScope Acquire(CancellationToken cancellationToken)
    {
        TryAcquire(Timeout.InfiniteTimeSpan, cancellationToken, out var scope);
        return scope;
    }

    /// <summary>Takes the lock if it becomes free within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="scope">On success, the scope that releases the lock; otherwise an empty scope.</param>
    /// <returns><see langword="true"/> if the lock is now held.</returns>
    /// <exception cref="LockOrderException">The thread already holds this lock.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle.</exception>
    public bool TryAcquire(TimeSpan timeout, out OrderedLockScope scope) => TryAcquire(timeout, CancellationToken.None, out scope);

    /// <summary>Takes the lock if it becomes free within <paramref name="timeout"/>, unless <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>, holding nothing new; observed within about 10 ms.</param>
    /// <param name="scope">On success, the scope that releases the lock; otherwise an empty scope.</param>
    /// <returns><see langword="true"/> if the lock is now held.</returns>
    /// <exception cref="LockOrderException">The thread already holds this lock.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the lock was taken.</exception>
    public bool TryAcquire(TimeSpan timeout, CancellationToken cancellationToken, out OrderedLockScope scope)
    {
        ValidateTimeout(timeout);
        var held = HeldLocks.Current;
        BeforeEnter(held);
        if (!Enter(held, timeout, cancellationToken))
        {
            scope = default;
            return false;
        }

        scope = new OrderedLockScope(held, this, null);
        return true;
    }

    /// <summary>
    /// Takes every lock in <paramref name="locks"/> in rising rank order, whatever order they are named in,
    /// waiting as long as it takes.
    /// </summary>
    /// <param name="locks">Distinct locks of distinct ranks.</param>
    /// <returns>A scope whose <see cref="OrderedLockScope.Dispose"/> releases them in reverse order.</returns>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is empty, contains null, or names a lock twice or two locks of the same rank.</exception>
    /// <exception cref="LockOrderException">The thread already holds a lock whose rank is the same as or above the lowest rank asked for.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle; nothing new is held.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OrderedLockScope AcquireAll(params ReadOnlySpan<OrderedLock> locks)
    {
        // The common case, inlined into the caller: two good locks, a thread that holds nothing, the validator
        // off. It is the one that must cost little more than two plain nested locks; everything else (errors
        // included) takes the checked path, which gives the same result.
        if (locks.Length == 2 && !LockOrderValidator.IsEnabled)
        {
            var first = locks[0];
            var second = locks[1];
            if (first is not null && second is not null && first.Rank != second.Rank)
            {
                if (first.Rank > second.Rank)
                {
                    (first, second) = (second, first);
                }

                var held = HeldLocks.Current;
                if (held.Count == 0)
                {
                    // Holding nothing, the thread passes the rank check. Without the validator there is no long
                    // wait to report, so a contended lock is simply waited for.
                    if (!first._word.TryTakeNow())
                    {
                        first._word.TryTake(Timeout.InfiniteTimeSpan);
                    }

                    if (!second._word.TryTakeNow())
                    {
                        second.TakeHolding(first);
                    }

                    held.PushPairOnEmpty(first, second);
                    return new OrderedLockScope(held, first, second);
                }
            }
        }

        return AcquireAllChecked(locks);
    }

    /// <summary>Takes every lock in <paramref name="locks"/> in rising rank order, unless <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no lock of the set is then held.</param>
    /// <param name="locks">Distinct locks of distinct ranks.</param>
    /// <returns>A scope whose <see cref="OrderedLockScope.Dispose"/> releases them in reverse order.</returns>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is empty, contains null, or names a lock twice or two locks of the same rank.</exception>
    /// <exception cref="LockOrderException">The thread already holds a lock whose rank is the same as or above the lowest rank asked for.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle; nothing new is held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before every lock was taken; none of them is held.</exception>
    public static OrderedLockScope AcquireAll(CancellationToken cancellationToken, params ReadOnlySpan<OrderedLock> locks)
    {
        TryAcquireAll(Timeout.InfiniteTimeSpan, cancellationToken, out var scope, locks);
        return scope;
    }

    /// <summary>
    /// Takes every lock in <paramref name="locks"/> in rising rank order if all can be taken within
    /// <paramref name="timeout"/>: all or nothing.
    /// </summary>
    /// <param name="timeout">How long to wait for the whole set.</param>
    /// <param name="scope">On success, the scope that releases them in reverse order; otherwise an empty scope.</param>
    /// <param name="locks">Distinct locks of distinct ranks.</param>
    /// <returns><see langword="true"/> if every lock is now held; <see langword="false"/> if the time ran out, and then none of them is held.</returns>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is empty, contains null, or names a lock twice or two locks of the same rank.</exception>
    /// <exception cref="LockOrderException">The thread already holds a lock whose rank is the same as or above the lowest rank asked for.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle; nothing new is held.</exception>
    public static bool TryAcquireAll(TimeSpan timeout, out OrderedLockScope scope, params ReadOnlySpan<OrderedLock> locks) =>
        TryAcquireAll(timeout, CancellationToken.None, out scope, locks);

    /// <summary>
    /// Takes every lock in <paramref name="locks"/> in rising rank order if all can be taken within
    /// <paramref name="timeout"/> and before <paramref name="cancellationToken"/> is cancelled: all or nothing.
    /// </summary>
    /// <param name="timeout">How long to wait for the whole set.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; no lock of the set is then held.</param>
    /// <param name="scope">On success, the scope that releases them in reverse order; otherwise an empty scope.</param>
    /// <param name="locks">Distinct locks of distinct ranks.</param>
    /// <returns><see langword="true"/> if every lock is now held; <see langword="false"/> if the time ran out, and then none of them is held.</returns>
    /// <exception cref="ArgumentException"><paramref name="locks"/> is empty, contains null, or names a lock twice or two locks of the same rank.</exception>
    /// <exception cref="LockOrderException">The thread already holds a lock whose rank is the same as or above the lowest rank asked for.</exception>
    /// <exception cref="PotentialDeadlockException">The validator is on with <see cref="LockOrderViolationPolicy.Throw"/> and this acquisition completes a lock-order cycle; nothing new is held.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before every lock was taken; none of them is held.</exception>
    public static bool TryAcquireAll(TimeSpan timeout, CancellationToken cancellationToken, out OrderedLockScope scope, params ReadOnlySpan<OrderedLock> locks)
    {
        ValidateTimeout(timeout);
        var held = HeldLocks.Current;
        switch (locks.Length)
        {
            case 0:
                throw new ArgumentException("Name at least one lock to acquire.", nameof(locks));
            case 1:
                return TryAcquireOrdered(held, ArgumentCheckedLock(locks[0], nameof(locks)), null, timeout, cancellationToken, out scope);
            case 2:
                var a = ArgumentCheckedLock(locks[0], nameof(locks));
                var b = ArgumentCheckedLock(locks[1], nameof(locks));
                return a.Rank <= b.Rank
                    ? TryAcquireOrdered(held, CheckDistinct(a, b, nameof(locks)), b, timeout, cancellationToken, out scope)
                    : TryAcquireOrdered(held, b, a, timeout, cancellationToken, out scope);
            default:
                return TryAcquireMany(held, Sorted(locks), timeout, cancellationToken, out scope);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (rank {Rank})";

    /// <summary>Every case of <see cref="AcquireAll(ReadOnlySpan{OrderedLock})"/> but the inlined one: any number of locks, bad arguments, locks already held, the validator on.</summary>
    private static OrderedLockScope AcquireAllChecked(scoped ReadOnlySpan<OrderedLock> locks)
    {
        if (locks.Length != 2)
        {
            TryAcquireAll(Timeout.InfiniteTimeSpan, CancellationToken.None, out var scope, locks);
            return scope;
        }

        var first = ArgumentCheckedLock(locks[0], nameof(locks));
        var second = ArgumentCheckedLock(locks[1], nameof(locks));
        if (first.Rank > second.Rank)
        {
            (first, second) = (second, first);
        }
        else
        {
            CheckDistinct(first, second, nameof(locks));
        }

        var held = HeldLocks.Current;
        CheckRank(held, first);

        // The rank check has shown that the thread holds neither lock, so only the validator remains to be
        // asked, and it is asked about both before either is taken: if it throws, nothing is held.
        if (LockOrderValidator.IsEnabled)
        {
            LockOrderValidator.BeforeAcquire(held, null, first);
            LockOrderValidator.BeforeAcquire(held, first, second);
        }

        if (!first._word.TryTakeNow())
        {
            first.WaitToEnter(Timeout.InfiniteTimeSpan, default);
        }

        first.Entered(held);
        if (!second._word.TryTakeNow())
        {
            second.WaitToEnterHolding(first, held);
        }

        second.Entered(held);
        return new OrderedLockScope(held, first, second);
    }

    /// <summary>Releases two locks taken together by a scope of <paramref name="held"/>'s thread, <paramref name="second"/> first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ReleasePair(HeldLocks held, OrderedLock first, OrderedLock second)
    {
        if (!held.RemovePair(first, second))
        {
            throw NotHeld(held, first, second);
        }

        second.Given();
        first.Given();
    }

    /// <summary>Releases the lock taken by a scope of <paramref name="held"/>'s thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Release(HeldLocks held)
    {
        if (!held.Remove(this))
        {
            throw NotHeld(held, this, null);
        }

        Given();
    }

    /// <summary>A scope's release found its lock not in its thread's list: the scope was copied and disposed twice.</summary>
    private static InvalidOperationException NotHeld(HeldLocks held, OrderedLock first, OrderedLock? second) =>
        new($"{(second is null ? $"Lock '{first.Name}' is" : $"Locks '{first.Name}' and '{second.Name}' are")} not held by {held.ThreadName}: " +
            "a copy of its scope was disposed already. Dispose a scope once, through one variable.");

    private static bool TryAcquireOrdered(HeldLocks held, OrderedLock first, OrderedLock? second, TimeSpan timeout, CancellationToken cancellationToken, out OrderedLockScope scope)
    {
        CheckRank(held, first);
        var start = StartOf(timeout);
        first.BeforeEnter(held);
        if (!first.Enter(held, timeout, cancellationToken))
        {
            scope = default;
            return false;
        }

        if (second is not null)
        {
            try
            {
                second.BeforeEnter(held);
                if (!second.Enter(held, Remaining(timeout, start), cancellationToken))
                {
                    first.Release(held);
                    scope = default;
                    return false;
                }
            }
            catch
            {
                first.Release(held);
                throw;
            }
        }

        scope = new OrderedLockScope(held, first, second);
        return true;
    }

    private static bool TryAcquireMany(HeldLocks held, OrderedLock[] sorted, TimeSpan timeout, CancellationToken cancellationToken, out OrderedLockScope scope)
    {
        CheckRank(held, sorted[0]);
        var start = StartOf(timeout);
        var taken = 0;
        try
        {
            for (; taken < sorted.Length; taken++)
            {
                sorted[taken].BeforeEnter(held);
                if (!sorted[taken].Enter(held, Remaining(timeout, start), cancellationToken))
                {
                    break;
                }
            }
        }
        finally
        {
            // All or nothing: on a timeout, a cancellation or a validator exception, give back what was taken.
            if (taken < sorted.Length)
            {
                for (var i = taken - 1; i >= 0; i--)
                {
                    sorted[i].Release(held);
                }
            }
        }

        if (taken < sorted.Length)
        {
            scope = default;
            return false;
        }

        scope = new OrderedLockScope(held, sorted);
        return true;
    }

    private static OrderedLock[] Sorted(ReadOnlySpan<OrderedLock> locks)
    {
        var sorted = new OrderedLock[locks.Length];
        for (var i = 0; i < locks.Length; i++)
        {
            sorted[i] = ArgumentCheckedLock(locks[i], nameof(locks));
        }

        Array.Sort(sorted, static (x, y) => x.Rank.CompareTo(y.Rank));
        for (var i = 1; i < sorted.Length; i++)
        {
            CheckDistinct(sorted[i - 1], sorted[i], nameof(locks));
        }

        return sorted;
    }

    private static OrderedLock ArgumentCheckedLock(OrderedLock? candidate, string paramName) =>
        candidate ?? throw new ArgumentException("The locks to acquire must not contain null.", paramName);

    private static OrderedLock CheckDistinct(OrderedLock lower, OrderedLock higher, string paramName)
    {
        if (lower.Rank == higher.Rank)
        {
            throw new ArgumentException(
                ReferenceEquals(lower, higher)
                    ? $"Lock '{lower.Name}' is named twice."
                    : $"Locks '{lower.Name}' and '{higher.Name}' have the same rank ({lower.Rank}), so they have no order to be taken in.",
                paramName);
        }

        return lower;
    }

    /// <summary>Ordered use: the lowest lock asked for must rank above everything the thread already holds.</summary>
    private static void CheckRank(HeldLocks held, OrderedLock lowest)
    {
        if (held.Count > 0 && held.Highest() is { } highest && highest.Rank >= lowest.Rank)
        {
            throw new LockOrderException(highest, lowest, held.ThreadName);
        }
    }

    private static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or more, or Timeout.InfiniteTimeSpan.");
        }
    }

    /// <summary>When a timed wait started; reading the clock is skipped for an untimed one, which never needs it.</summary>
    private static long StartOf(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan ? 0 : Stopwatch.GetTimestamp();

    private static TimeSpan Remaining(TimeSpan timeout, long start)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return timeout;
        }

        var left = timeout - Stopwatch.GetElapsedTime(start);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static TimeSpan Shorter(TimeSpan x, TimeSpan y) =>
        x == Timeout.InfiniteTimeSpan ? y : y == Timeout.InfiniteTimeSpan ? x : x < y ? x : y;

    /// <summary>Checks that hold before any waiting: no re-entry, and the validator's view of the order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BeforeEnter(HeldLocks held)
    {
        if (held.Count > 0)
        {
            if (held.Contains(this))
            {
                throw new LockOrderException(this, this, held.ThreadName);
            }

            if (LockOrderValidator.IsEnabled)
            {
                LockOrderValidator.BeforeAcquire(held, null, this);
            }
        }
    }

    private bool Enter(HeldLocks held, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_word.TryTakeNow() && !WaitToEnter(timeout, cancellationToken))
        {
            return false;
        }

        Entered(held);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnterUntimed(HeldLocks held)
    {
        BeforeEnter(held);
        if (!_word.TryTakeNow())
        {
            WaitToEnter(Timeout.InfiniteTimeSpan, default);
        }

        Entered(held);
    }

    /// <summary>The slow path of the inlined two-lock acquisition: waits for this lock while holding <paramref name="first"/>, not yet recorded, which it gives back if the wait is interrupted.</summary>
    private void TakeHolding(OrderedLock first)
    {
        try
        {
            _word.TryTake(Timeout.InfiniteTimeSpan);
        }
        catch
        {
            first._word.Give();
            throw;
        }
    }

    /// <summary>Gives the word back, forgetting the holder first if the validator recorded one (no other thread writes it while this one holds the lock).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Given()
    {
        if (_holder is not null)
        {
            _holder = null;
        }

        _word.Give();
    }

    /// <summary>The slow path of a two-lock acquisition: waits for this lock while holding <paramref name="first"/>, which it gives back if the wait fails (a long-wait reporter may throw).</summary>
    private void WaitToEnterHolding(OrderedLock first, HeldLocks held)
    {
        try
        {
            WaitToEnter(Timeout.InfiniteTimeSpan, default);
        }
        catch
        {
            first.Release(held);
            throw;
        }
    }

    /// <summary>Records the new holder; who holds a lock is only tracked while the validator is on, for its long-wait reports.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Entered(HeldLocks held)
    {
        if (LockOrderValidator.IsEnabled)
        {
            _holder = held.Thread;
        }

        held.Push(this);
    }

    /// <summary>The slow path: wait in slices, so that cancellation and the validator's long-wait limit are noticed.</summary>
    private bool WaitToEnter(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var longWait = LockOrderValidator.IsEnabled ? LockOrderValidator.LongWaitLimit : Timeout.InfiniteTimeSpan;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var elapsed = Stopwatch.GetElapsedTime(start);
            var slice = timeout == Timeout.InfiniteTimeSpan ? timeout : Max(timeout - elapsed);
            if (cancellationToken.CanBeCanceled)
            {
                slice = Shorter(slice, CancellationPollInterval);
            }

            if (longWait != Timeout.InfiniteTimeSpan)
            {
                slice = Shorter(slice, Max(longWait - elapsed));
            }

            if (_word.TryTake(slice))
            {
                return true;
            }

            elapsed = Stopwatch.GetElapsedTime(start);
            if (longWait != Timeout.InfiniteTimeSpan && elapsed >= longWait)
            {
                LockOrderValidator.ReportLongWait(this, _holder, elapsed);
                longWait = Timeout.InfiniteTimeSpan;
            }

            if (timeout != Timeout.InfiniteTimeSpan && elapsed >= timeout)
            {
                cancellationToken.ThrowIfCancellationRequested();
                return false;
            }
        }

        static TimeSpan Max(TimeSpan left) => left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}

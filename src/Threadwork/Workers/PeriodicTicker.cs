namespace Threadwork.Workers;

/// <summary>
/// A clock that every waiting thread can follow: each tick releases, exactly once, every thread that
/// was waiting for it (recipe 12.2's Condition-based <c>PeriodicTimer</c>).
/// </summary>
/// <remarks>
/// A waiter that calls <see cref="WaitForTick(CancellationToken)"/> again waits for the next tick; a
/// tick that happens while nobody waits is counted in <see cref="Ticks"/> and releases nobody.
/// Unlike <see cref="System.Threading.PeriodicTimer"/>, any number of threads (and async callers) may
/// wait at once.
/// </remarks>
/// <example>
/// <code>
/// using var ticker = new PeriodicTicker(TimeSpan.FromSeconds(1));
/// for (var n = 5; n > 0; n--) { ticker.WaitForTick(); Console.WriteLine($"T-minus {n}"); }
/// </code>
/// </example>
public sealed class PeriodicTicker : IDisposable
{
    /// <summary>Serialises ticks with Dispose, so no tick swaps in a fresh waiter set after disposal.</summary>
    private readonly Lock _gate = new();

    /// <summary>The clock driving the ticks; disposed by <see cref="Dispose"/>.</summary>
    private readonly ITimer _timer;

    /// <summary>The waiters of the next tick; replaced (under <see cref="_gate"/>) and completed at each tick.</summary>
    private TaskCompletionSource<long> _next = NewWaiterSet();

    /// <summary>Ticks so far; written under <see cref="_gate"/>.</summary>
    private long _ticks;

    /// <summary>Threads and async callers currently waiting.</summary>
    private int _waiting;

    /// <summary>Set once, under <see cref="_gate"/>.</summary>
    private bool _disposed;

    /// <summary>Starts a ticker that ticks every <paramref name="interval"/>.</summary>
    /// <param name="interval">Time between ticks; must be positive.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null (tests pass their own).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero, negative or infinite.</exception>
    public PeriodicTicker(TimeSpan interval, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Interval = interval;
        _timer = (timeProvider ?? TimeProvider.System).CreateTimer(static state => ((PeriodicTicker)state!).Tick(), this, interval, interval);
    }

    /// <summary>The time between ticks.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How many ticks have happened since the ticker was created.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>How many callers are waiting for the next tick right now.</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>Blocks until the next tick.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ObjectDisposedException">The ticker is disposed, or was disposed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public void WaitForTick(CancellationToken cancellationToken = default) => WaitForTick(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Blocks until the next tick or until <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="true"/> on a tick; <see langword="false"/> on timeout.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    /// <exception cref="ObjectDisposedException">The ticker is disposed, or was disposed while waiting.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public bool WaitForTick(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, Timeout.InfiniteTimeSpan);
        var tick = NextTick();
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!tick.Wait(timeout, cancellationToken))
            {
                return false;
            }
        }
        catch (AggregateException) when (tick.IsFaulted)
        {
            ObjectDisposedException.ThrowIf(true, this);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return true;
    }

    /// <summary>Completes at the next tick.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ObjectDisposedException">The ticker is disposed, or was disposed while waiting.</exception>
    public async Task WaitForTickAsync(CancellationToken cancellationToken = default)
    {
        var tick = NextTick();
        Interlocked.Increment(ref _waiting);
        try
        {
            await tick.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>Stops the ticker; every waiting caller gets <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        TaskCompletionSource<long> waiters;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            waiters = _next;
        }

        _timer.Dispose();
        waiters.TrySetException(new ObjectDisposedException(nameof(PeriodicTicker)));
    }

    private static TaskCompletionSource<long> NewWaiterSet() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<long> NextTick()
    {
        // Read under no lock: a waiter that takes the set just before a tick swaps it is released
        // by that tick, one that takes it just after waits for the next. Either way exactly once.
        var tick = Volatile.Read(ref _next).Task;
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        return tick;
    }

    private void Tick()
    {
        TaskCompletionSource<long> released;
        long ticks;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            ticks = ++_ticks;
            released = _next;
            Volatile.Write(ref _next, NewWaiterSet());
        }

        released.TrySetResult(ticks);
    }
}

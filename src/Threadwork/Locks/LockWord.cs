using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Locks;

/// <summary>
/// The mutual exclusion under an <see cref="OrderedLock"/>: one word, taken with one compare-and-swap and
/// given back with one exchange, a short spin and then a park when it is contended (the three-state mutex of
/// Drepper's "Futexes Are Tricky", parking on a monitor instead of a futex).
/// </summary>
/// <remarks>
/// It knows nothing of owners or re-entry: an <see cref="OrderedLock"/> is not re-entrant, and which thread
/// holds what is in that thread's <see cref="HeldLocks"/>, which the lock consults before taking the word and
/// before giving it back. That is what makes it cheaper than a <see cref="Lock"/>, which looks the thread up
/// on each enter and exit to keep an owner and a recursion count.
/// </remarks>
internal struct LockWord
{
    private const int Free = 0;
    private const int Taken = 1;
    private const int TakenWithWaiters = 2;

    /// <summary>
    /// <see cref="Free"/>, <see cref="Taken"/>, or <see cref="TakenWithWaiters"/>: taken, and a thread may be
    /// parked (or about to park) on <see cref="_gate"/>, so whoever gives the word back must wake one.
    /// </summary>
    private int _state;

    /// <summary>Where contending threads park; created on first contention.</summary>
    private object? _gate;

    /// <summary>True while the word is taken and marked for a thread that waits or is about to park (a snapshot, for tests).</summary>
    public readonly bool IsMarkedForWaiters => Volatile.Read(in _state) == TakenWithWaiters;

    /// <summary>Takes the word if it is free, without waiting.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryTakeNow() => Interlocked.CompareExchange(ref _state, Taken, Free) == Free;

    /// <summary>Gives the word back; wakes one parked thread if any may wait.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Give()
    {
        if (Interlocked.Exchange(ref _state, Free) == TakenWithWaiters)
        {
            WakeOne();
        }
    }

    /// <summary>
    /// Takes the word, spinning briefly and then parking, unless <paramref name="timeout"/> runs out first.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <returns><see langword="true"/> if the word is now taken by the caller.</returns>
    /// <exception cref="ThreadInterruptedException">The thread was interrupted while parked; the word is not taken.</exception>
    public bool TryTake(TimeSpan timeout)
    {
        // A holder on the other core usually gives the word back within a few hundred cycles: spin before
        // paying for a park and a wake.
        var spinner = default(SpinWait);
        while (!spinner.NextSpinWillYield)
        {
            if (Volatile.Read(ref _state) == Free && TryTakeNow())
            {
                return true;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }

        if (timeout == TimeSpan.Zero)
        {
            return TryTakeNow();
        }

        var start = Stopwatch.GetTimestamp();
        var gate = Gate;

        // From here on the word is marked as having waiters before each park, so the holder's Give wakes one
        // of them. Taking it by this exchange also leaves the mark: it may wake a thread needlessly, never
        // lose one.
        while (Interlocked.Exchange(ref _state, TakenWithWaiters) != Free)
        {
            var wait = Timeout.Infinite;
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                var left = timeout - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    // The word is still taken by another thread (the exchange saw it so), and keeps its mark.
                    return false;
                }

                wait = (int)Math.Ceiling(left.TotalMilliseconds);
            }

            lock (gate)
            {
                // Give changes the state before it takes the gate to wake, so a state still marked here,
                // under the gate, means its wake comes after this thread is parked and reaches it.
                if (Volatile.Read(ref _state) == TakenWithWaiters)
                {
                    Monitor.Wait(gate, wait);
                }
            }
        }

        return true;
    }

    private object Gate
    {
        get
        {
            var gate = Volatile.Read(ref _gate);
            return gate ?? Interlocked.CompareExchange(ref _gate, new object(), null) ?? _gate;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WakeOne()
    {
        // Marked with waiters only after the gate was created (TryTake reads Gate first).
        var gate = Volatile.Read(ref _gate)!;
        lock (gate)
        {
            Monitor.Pulse(gate);
        }
    }
}

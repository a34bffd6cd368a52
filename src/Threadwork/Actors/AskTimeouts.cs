using System.Collections.Concurrent;

namespace Threadwork.Actors;

/// <summary>
/// The pending asks of one timeout duration, in deadline order, under one timer for all of them. An ask
/// costs a lock and two links here, instead of a timer of its own (which allocates a finalizable holder
/// and takes the timer queue's lock twice); an answered ask is unlinked at once, so nothing is kept alive.
/// </summary>
/// <remarks>
/// Asks of one duration are listed in the order they start, which is their deadline order, so the timer
/// only ever needs the first deadline: it is set when the list gains a first entry, and when it fires it
/// times out what is due and is set again for the new first entry, or not at all if the list is empty,
/// so no timer runs while no ask waits. At most <see cref="MaxDurations"/> durations get a list; an ask
/// with another duration uses a timer of its own.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "At most MaxDurations lists, each kept for the process's life; an idle list's timer is not set.")]
internal sealed class AskTimeouts
{
    /// <summary>Distinct durations that get a shared list; the lists live as long as the process.</summary>
    internal const int MaxDurations = 16;

    /// <summary>The lists by duration.</summary>
    private static readonly ConcurrentDictionary<TimeSpan, AskTimeouts> s_byDuration = new();

    /// <summary>Guards the list and <see cref="_armed"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>Fires at (or a little after) the first entry's deadline while <see cref="_armed"/>.</summary>
    private readonly Timer _timer;

    /// <summary>The entry with the earliest deadline; null when none waits.</summary>
    private ITimedReply? _first;

    /// <summary>The entry with the latest deadline.</summary>
    private ITimedReply? _last;

    /// <summary>Whether the timer is set; cleared only by the timer's own callback when the list is empty.</summary>
    private bool _armed;

    private AskTimeouts()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _timer = new Timer(static state => ((AskTimeouts)state!).Fire(), this, Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>The shared list for <paramref name="duration"/>, or null if too many durations have one.</summary>
    internal static AskTimeouts? For(TimeSpan duration)
    {
        if (s_byDuration.TryGetValue(duration, out var timeouts))
        {
            return timeouts;
        }

        return s_byDuration.Count >= MaxDurations ? null : s_byDuration.GetOrAdd(duration, static _ => new AskTimeouts());
    }

    /// <summary>Converts a timeout to a deadline in <see cref="Environment.TickCount64"/> milliseconds, rounding up.</summary>
    internal static long DeadlineAfter(TimeSpan timeout) =>
        Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);

    /// <summary>Lists an ask; its deadline is not earlier than any listed one (same duration, started later).</summary>
    internal void Add(ITimedReply reply)
    {
        lock (_lock)
        {
            reply.Previous = _last;
            reply.Next = null;
            if (_last is null)
            {
                _first = reply;
            }
            else
            {
                _last.Next = reply;
            }

            _last = reply;
            reply.IsListed = true;
            if (!_armed)
            {
                // Set only for a first entry: a set timer already fires no later than any deadline listed after it.
                _armed = true;
                _timer.Change(Math.Max(0, reply.Deadline - Environment.TickCount64), Timeout.Infinite);
            }
        }
    }

    /// <summary>Unlinks an answered (or cancelled) ask, if the timer has not taken it already.</summary>
    internal void Remove(ITimedReply reply)
    {
        lock (_lock)
        {
            if (reply.IsListed)
            {
                Unlink(reply);
            }
        }
    }

    private void Unlink(ITimedReply reply)
    {
        if (reply.Previous is null)
        {
            _first = reply.Next;
        }
        else
        {
            reply.Previous.Next = reply.Next;
        }

        if (reply.Next is null)
        {
            _last = reply.Previous;
        }
        else
        {
            reply.Next.Previous = reply.Previous;
        }

        reply.Previous = null;
        reply.Next = null;
        reply.IsListed = false;
    }

    private void Fire()
    {
        List<ITimedReply>? due = null;
        lock (_lock)
        {
            var now = Environment.TickCount64;
            while (_first is { } first && first.Deadline <= now)
            {
                Unlink(first);
                (due ??= []).Add(first);
            }

            if (_first is null)
            {
                _armed = false;
            }
            else
            {
                _timer.Change(_first.Deadline - now, Timeout.Infinite);
            }
        }

        // Outside the lock: a timed-out ask hands its delivery to the pool, which must not wait on us.
        if (due is not null)
        {
            foreach (var reply in due)
            {
                reply.TimeOut();
            }
        }
    }
}

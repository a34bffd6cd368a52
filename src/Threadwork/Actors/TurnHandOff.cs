namespace Threadwork.Actors;

/// <summary>
/// Hands the turn a handler starts (by sending to an idle actor, or by replying to an ask) to the pool
/// thread it runs on, to run right after the current turn, instead of queueing it on the thread pool.
/// A pair of actors then plays on one core, with no queue, no thread wake-up and no cross-core hand-off.
/// </summary>
/// <remarks>
/// <para>One slot per thread: a second turn started in the same turn goes to the pool as before. The
/// slot is given to the pool as soon as the running actor takes another message (the work would otherwise
/// wait for the rest of the turn), before any blocking wait of the library (a full mailbox, Join, Ask), and
/// after <see cref="MaxHandOffs"/> turns in a row if other work waits for the pool, so the chain yields
/// the thread like any work item.</para>
/// <para>A handed-off turn is not stealable while the sending handler runs: a handler must not block on
/// work of an actor it has just sent to (the library's own waits release the slot first).</para>
/// </remarks>
internal static class TurnHandOff
{
    /// <summary>Turns run one after another on one thread before the next goes back to the pool's global queue.</summary>
    internal const int MaxHandOffs = 64;

    /// <summary>The work handed to this thread, to run after the current turn; null when none.</summary>
    [ThreadStatic]
    private static IHandOffWork? t_next;

    /// <summary>True while an actor's turn runs on this thread inside <see cref="Run"/>: only then may work be handed off.</summary>
    [ThreadStatic]
    private static bool t_inTurn;

    /// <summary>True while <see cref="Run"/> is on this thread's stack (so it will run or release the slot).</summary>
    [ThreadStatic]
    private static bool t_running;

    /// <summary>
    /// Whether any work item waits on the thread pool's queues: only then is there someone to yield a
    /// thread to. Sums the pool's queues, so it is asked once per turn budget or chain, not per message.
    /// </summary>
    internal static bool OtherWorkWaits => ThreadPool.PendingWorkItemCount > 0;

    /// <summary>Whether something is waiting in this thread's slot.</summary>
    internal static bool HasPending => t_next is not null;

    /// <summary>Runs <paramref name="first"/>, then whatever it handed off, and so on, at most <see cref="MaxHandOffs"/> in a row.</summary>
    internal static void Run(IHandOffWork first)
    {
        if (t_running)
        {
            // Not reached from the pool's own dispatch; if it ever is, run the work without a chain of its own.
            first.RunHandedOff();
            return;
        }

        t_running = true;
        try
        {
            var work = first;
            for (var handOffs = 0; ; handOffs++)
            {
                t_inTurn = work.HandsOffSends;
                work.RunHandedOff();
                t_inTurn = false;
                var next = t_next;
                if (next is null)
                {
                    return;
                }

                t_next = null;
                if (handOffs >= MaxHandOffs)
                {
                    if (OtherWorkWaits)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
                        return;
                    }

                    handOffs = 0;
                }

                work = next;
            }
        }
        finally
        {
            t_inTurn = false;
            t_running = false;
            Release();
        }
    }

    /// <summary>Takes <paramref name="work"/> into this thread's slot if an actor's turn runs here and the slot is free.</summary>
    /// <returns><see langword="false"/> if the caller must queue the work itself.</returns>
    internal static bool TryHandOff(IHandOffWork work)
    {
        if (!t_inTurn || t_next is not null)
        {
            return false;
        }

        t_next = work;
        return true;
    }

    /// <summary>Gives the work in this thread's slot, if any, to the pool, where any thread may run it.</summary>
    internal static void Release()
    {
        if (t_next is { } pending)
        {
            t_next = null;
            ThreadPool.UnsafeQueueUserWorkItem(pending, preferLocal: true);
        }
    }
}

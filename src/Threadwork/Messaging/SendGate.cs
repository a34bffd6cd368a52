namespace Threadwork.Messaging;

/// <summary>
/// Lets one sender at a time add to an exchange's queued backlogs. Held only for those adds (slot writes
/// and counts, never a subscriber's code, never a wait), so a second sender spins briefly rather than
/// blocking. Entering is one compare-and-swap; leaving is one atomic exchange, which is also the full
/// fence that the wake protocol needs between the adds and the reads of the drains' flags, so a send
/// pays two atomic operations for all of its queued subscribers together.
/// </summary>
internal sealed class SendGate
{
    /// <summary>1 while a sender holds the gate, else 0.</summary>
    private int _held;

    /// <summary>Takes the gate, spinning (and, if the holder was preempted, yielding) while another sender holds it.</summary>
    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            WaitToEnter();
        }
    }

    /// <summary>Releases the gate with a full fence: every write made under it is visible before any read that follows.</summary>
    public void Exit() => Interlocked.Exchange(ref _held, 0);

    private void WaitToEnter()
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }
}

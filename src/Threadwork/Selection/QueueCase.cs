using Threadwork.Queues;

namespace Threadwork.Selection;

/// <summary>
/// A queue case: the select's waiter as that one queue sees it. Each case is its own waiter object,
/// so a delivery says which queue it came from, while the claim it makes is the select's one claim.
/// </summary>
internal sealed class QueueCase<T> : SelectCase<T>, IQueueWaiter<T>
{
    /// <summary>The queue this case takes from.</summary>
    private readonly WorkQueue<T> _queue;

    public QueueCase(SelectSignal<T> signal, int index, WorkQueue<T> queue)
        : base(signal, index) => _queue = queue;

    public override bool TryReadyNow(out SelectResult<T> result)
    {
        if (_queue.TryTakeNow(out var item, out var closed, out var closeError))
        {
            result = SelectResult<T>.Taken(Index, _queue, item);
            return true;
        }

        result = closed ? SelectResult<T>.ClosedQueue(Index, _queue, closeError) : default;
        return closed;
    }

    public override CaseRegistration Register(long generation, out SelectResult<T> result)
    {
        // The queue claims through TryClaim below, under its lock, before it takes anything: a select
        // already claimed elsewhere takes nothing here and the item stays first in line.
        switch (_queue.TryTakeOrRegister(this, out var item, out var closeError))
        {
            case WaiterRegistration.Registered:
                result = default;
                return CaseRegistration.Registered;
            case WaiterRegistration.Taken:
                result = SelectResult<T>.Taken(Index, _queue, item!);
                return CaseRegistration.Completed;
            case WaiterRegistration.Closed:
                result = SelectResult<T>.ClosedQueue(Index, _queue, closeError);
                return CaseRegistration.Completed;
            default:
                result = default;
                return CaseRegistration.AlreadyClaimed;
        }
    }

    public override void Finish(bool won)
    {
        // The winning queue took this waiter off its list before claiming it; every other queue may
        // still hold it, and must not by the time the select is re-armed (a stale entry would then be
        // claimable for the next select).
        if (!won)
        {
            _queue.Withdraw(this);
        }
    }

    public bool TryClaim() => Signal.TryClaim();

    public void Deliver(T item) => Signal.Complete(SelectResult<T>.Taken(Index, _queue, item));

    public void DeliverClosed(Exception? error) => Signal.Complete(SelectResult<T>.ClosedQueue(Index, _queue, error));
}

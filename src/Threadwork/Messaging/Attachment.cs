namespace Threadwork.Messaging;

/// <summary>What <see cref="Subscription"/> reads and controls, without knowing the message type.</summary>
internal abstract class Attachment
{
    /// <summary>Most failures kept for <see cref="UnreportedFaults"/>.</summary>
    internal const int UnreportedLimit = 100;

    /// <summary>Guards <see cref="_unreported"/>.</summary>
    private readonly Lock _faultsGate = new();

    /// <summary>Failures nobody was told of, oldest first, at most <see cref="UnreportedLimit"/>; created on the first one.</summary>
    private List<SubscriberFault>? _unreported;

    /// <summary>Deliveries that threw; incremented atomically by whichever thread delivered.</summary>
    private long _failures;

    public abstract bool IsAttached { get; }

    public abstract bool IsQueued { get; }

    public abstract int Backlog { get; }

    public abstract long Dropped { get; }

    public abstract Task Completion { get; }

    public long Failures => Interlocked.Read(ref _failures);

    public IReadOnlyList<SubscriberFault> UnreportedFaults
    {
        get
        {
            lock (_faultsGate)
            {
                return _unreported is null ? [] : [.. _unreported];
            }
        }
    }

    public abstract bool Detach();

    protected void CountFailure() => Interlocked.Increment(ref _failures);

    protected void KeepUnreported(SubscriberFault fault)
    {
        lock (_faultsGate)
        {
            _unreported ??= [];
            if (_unreported.Count < UnreportedLimit)
            {
                _unreported.Add(fault);
            }
        }
    }
}

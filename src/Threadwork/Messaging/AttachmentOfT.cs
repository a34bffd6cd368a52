namespace Threadwork.Messaging;

/// <summary>One subscriber on one exchange: how to reach it and, for queued delivery, its backlog.</summary>
/// <typeparam name="T">The type of the messages.</typeparam>
internal sealed class Attachment<T> : Attachment
{
    /// <summary>The exchange that holds this attachment in its snapshot.</summary>
    private readonly Exchange<T> _exchange;

    /// <summary>The subscriber's own backlog for queued delivery; null for synchronous delivery.</summary>
    private readonly QueuedBacklog<T>? _backlog;

    /// <summary>Completed at detach for synchronous delivery; unused for queued delivery (the backlog has its own).</summary>
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Cleared once, by the exchange, under its gate, when it takes this attachment out of its snapshot;
    /// read by a send whose snapshot was replaced during it, to skip a subscriber detached meanwhile.
    /// </summary>
    private volatile bool _attached = true;

    public Attachment(Exchange<T> exchange, object subscriber, Action<T> send, QueuedDelivery? queued, bool isDirect)
    {
        _exchange = exchange;
        Subscriber = subscriber;
        IsDirect = isDirect;
        Send = send;
        _backlog = queued is null ? null : new QueuedBacklog<T>(this, send, exchange.SendGate, queued);
        Handle = new Subscription(this);
    }

    /// <summary>What the user attached; the key for <see cref="Exchange{T}.Detach"/> and what a fault names.</summary>
    public object Subscriber { get; }

    /// <summary>True if attached by the user's own Attach; false if on behalf of a pattern subscription.</summary>
    public bool IsDirect { get; }

    /// <summary>The user's handle on this attachment.</summary>
    public Subscription Handle { get; }

    /// <summary>The backlog of a queued subscriber; null for a synchronous one.</summary>
    public QueuedBacklog<T>? Queue => _backlog;

    /// <summary>Hands one message to the subscriber (its Send, the delegate, or the queue's Put): what a send calls for a synchronous subscriber, and a queued subscriber's drain.</summary>
    public Action<T> Send { get; }

    public override bool IsAttached => _attached;

    public override bool IsQueued => _backlog is not null;

    public override int Backlog => _backlog?.Count ?? 0;

    public override long Dropped => _backlog?.Dropped ?? 0;

    public override Task Completion => _backlog?.Completion ?? _detached.Task;

    public override bool Detach() => _exchange.Remove(this);

    /// <summary>Called by the exchange, under its gate, right after taking this attachment out of its snapshot.</summary>
    public void MarkDetached()
    {
        _attached = false;
        if (_backlog is null)
        {
            _detached.TrySetResult();
        }
        else
        {
            _backlog.Close();
        }
    }

    /// <summary>
    /// Counts a failure and hands it to the exchange's fault hook. A failure that no hook took is added
    /// to <paramref name="unreported"/> (for synchronous delivery, so that the send throws it) or kept on
    /// the subscription (for queued delivery, where nobody is waiting to be told).
    /// </summary>
    public void Fail(T message, Exception error, ref List<Exception>? unreported)
    {
        CountFailure();
        var queued = _backlog is not null;
        var fault = new SubscriberFault(_exchange.Name, Subscriber, message, error, queued);
        Exception? unheard = error;
        if (_exchange.FaultHook is { } hook)
        {
            try
            {
                hook(fault);
                unheard = null;
            }
#pragma warning disable CA1031 // A failing hook must not stop delivery either; its failure is kept with the original one.
            catch (Exception hookError)
#pragma warning restore CA1031
            {
                unheard = new AggregateException($"The fault hook of exchange '{_exchange.Name}' threw while reporting a subscriber's failure.", hookError, error);
            }
        }

        if (unheard is null)
        {
            return;
        }

        if (queued)
        {
            KeepUnreported(unheard == error ? fault : new SubscriberFault(_exchange.Name, Subscriber, message, unheard, queued: true));
        }
        else
        {
            (unreported ??= []).Add(unheard);
        }
    }
}

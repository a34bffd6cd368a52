namespace Threadwork.Messaging;

/// <summary>A pattern subscription for messages of type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The type of the messages.</typeparam>
internal sealed class PatternSubscription<T>(ExchangeRegistry registry, SubjectPattern pattern, Action<T> send, QueuedDelivery? queued)
    : PatternSubscription(registry, pattern)
{
    /// <summary>One subscription per matched exchange; only touched under the registry's gate.</summary>
    private readonly List<Subscription> _subscriptions = [];

    public override void AttachTo(object exchange)
    {
        // Exchanges of another message type are not this subscriber's to hear, whatever their name.
        if (exchange is Exchange<T> typed)
        {
            _subscriptions.Add(typed.AttachForPattern(this, send, queued));
        }
    }

    public override void DetachAll()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _subscriptions.Clear();
    }
}

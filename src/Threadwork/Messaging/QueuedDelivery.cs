namespace Threadwork.Messaging;

/// <summary>
/// Asks for queued delivery to one subscriber: <see cref="Exchange{T}.Send"/> only adds the message to
/// the subscriber's own bounded backlog, and the subscriber receives its backlog in order on the thread
/// pool, so a slow subscriber never holds up the sender or the other subscribers.
/// </summary>
/// <example>
/// <code>
/// var subscription = exchange.Attach(slowSubscriber, new QueuedDelivery(capacity: 1000, BacklogOverflow.DropOldest));
/// // ... later: how many messages the subscriber missed because it fell 1000 behind
/// Console.WriteLine(subscription.Dropped);
/// </code>
/// </example>
public sealed class QueuedDelivery
{
    /// <summary>Creates the settings of a queued subscription.</summary>
    /// <param name="capacity">Most messages waiting for the subscriber at once, whatever the number of threads sending; at least 1 (and at most 2^30 are kept: a larger capacity counts as 2^30).</param>
    /// <param name="overflow">What happens to a message that arrives while <paramref name="capacity"/> are waiting.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1, or <paramref name="overflow"/> is not a defined policy.</exception>
    public QueuedDelivery(int capacity, BacklogOverflow overflow = BacklogOverflow.DropOldest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (overflow is not (BacklogOverflow.DropOldest or BacklogOverflow.DropNewest))
        {
            throw new ArgumentOutOfRangeException(nameof(overflow), overflow, "Not a BacklogOverflow policy.");
        }

        Capacity = capacity;
        Overflow = overflow;
    }

    /// <summary>Most messages waiting for the subscriber at once.</summary>
    public int Capacity { get; }

    /// <summary>What happens to a message that arrives while the backlog is full.</summary>
    public BacklogOverflow Overflow { get; }
}

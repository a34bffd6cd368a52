namespace Threadwork.Messaging;

/// <summary>What a queued subscription does with a message that arrives while its backlog is full.</summary>
/// <remarks>
/// There is deliberately no policy that waits for room: waiting would hold up the sender, and with it
/// every other subscriber, which is what queued delivery exists to prevent. Every dropped message is
/// counted in <see cref="Subscription.Dropped"/>.
/// </remarks>
public enum BacklogOverflow
{
    /// <summary>Drop the oldest waiting message to make room: the subscriber sees the latest messages, with a gap.</summary>
    DropOldest,

    /// <summary>Drop the arriving message: the subscriber sees the earliest messages, and none sent while it was full.</summary>
    DropNewest,
}

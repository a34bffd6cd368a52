namespace Threadwork.Messaging;

/// <summary>
/// One subscriber attached to one exchange (the recipe's <c>subscribe</c> context manager):
/// disposing it detaches the subscriber. It also reports how delivery to that subscriber is going.
/// </summary>
/// <remarks>
/// After <see cref="Dispose"/> returns, a send that starts later never reaches the subscriber. A send
/// already under way on another thread may still deliver one message to a synchronous subscriber; one
/// under way on the same thread (the subscriber, or an earlier one, detached it during the send) does
/// not. A queued subscriber still receives the messages already in its backlog; <see cref="Completion"/>
/// says when the last of them has been handled.
/// </remarks>
/// <example>
/// <code>
/// using (exchange.Attach(taskA))
/// using (exchange.Attach(taskB))
/// {
///     exchange.Send("msg1");
///     exchange.Send("msg2");
/// }
/// exchange.Send("msg3");   // reaches nobody
/// </code>
/// </example>
public sealed class Subscription : IDisposable
{
    /// <summary>The exchange's record of the subscriber, which does the work.</summary>
    private readonly Attachment _attachment;

    internal Subscription(Attachment attachment) => _attachment = attachment;

    /// <summary>True until the subscriber is detached (by <see cref="Dispose"/>, <see cref="Exchange{T}.Detach"/> or its pattern subscription ending).</summary>
    public bool IsAttached => _attachment.IsAttached;

    /// <summary>True for queued delivery (a backlog per subscriber), false for synchronous delivery.</summary>
    public bool IsQueued => _attachment.IsQueued;

    /// <summary>Messages waiting in the backlog now; always 0 for synchronous delivery.</summary>
    public int Backlog => _attachment.Backlog;

    /// <summary>Messages dropped by the backlog's <see cref="BacklogOverflow"/> policy since attaching; always 0 for synchronous delivery.</summary>
    public long Dropped => _attachment.Dropped;

    /// <summary>Messages the subscriber threw on since attaching (each one was reported, and the others still received it).</summary>
    public long Failures => _attachment.Failures;

    /// <summary>
    /// Failures of a queued subscriber that no fault hook took (the exchange has none, or the hook threw),
    /// oldest first, up to the first 100 (<see cref="Failures"/> counts them all). A synchronous
    /// subscriber's unreported failures are thrown by <see cref="Exchange{T}.Send"/> instead.
    /// </summary>
    public IReadOnlyList<SubscriberFault> UnreportedFaults => _attachment.UnreportedFaults;

    /// <summary>
    /// Completes once the subscriber is detached and has handled every message it accepted: at once for
    /// synchronous delivery, after the backlog is drained for queued delivery.
    /// </summary>
    public Task Completion => _attachment.Completion;

    /// <summary>Detaches the subscriber; calling it again does nothing.</summary>
    public void Dispose() => _attachment.Detach();
}

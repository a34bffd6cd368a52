using System.Runtime.CompilerServices;
using Threadwork.Queues;

namespace Threadwork.Messaging;

/// <summary>
/// Publish/subscribe in one process (recipe 12.11): every message sent reaches every subscriber attached
/// at the time, and the sender knows nothing of who they are.
/// </summary>
/// <remarks>
/// <para>Guarantees. A send delivers to a snapshot of the subscribers, so attaching and detaching are safe
/// at any time, from any thread, even from inside a subscriber during a send (the recipe iterates its set
/// while sending, which breaks then). A subscriber attached throughout a run of sends receives each of
/// them exactly once, in the order of sending if one thread sends. A subscriber that throws does not stop
/// delivery to the others: the failure goes to the fault hook given at creation; without a hook, a
/// synchronous subscriber's failure is thrown by <see cref="Send"/> (as an <see cref="AggregateException"/>,
/// after every other subscriber got the message), and a queued one's is kept on its
/// <see cref="Subscription.UnreportedFaults"/>.</para>
/// <para>Delivery is per subscriber. Synchronous (the recipe's, and the default): <see cref="Send"/> returns
/// once every subscriber has handled the message on the sender's thread. Queued (<see cref="QueuedDelivery"/>):
/// <see cref="Send"/> only adds the message to the subscriber's bounded backlog, and the subscriber receives
/// its messages in order on the thread pool; a slow subscriber drops messages by its overflow policy and
/// never holds up the sender or the others.</para>
/// <para>An exchange can be bridged to a transport (<see cref="Bridge"/>), so that messages travel between
/// processes; subscribers do not change.</para>
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
/// <example>
/// <code>
/// var exchange = new Exchange&lt;string&gt;("name");
/// using (exchange.Attach(taskA))
/// using (exchange.Attach(message => Console.WriteLine(message)))
/// {
///     exchange.Send("msg1");
/// }
/// </code>
/// </example>
public sealed class Exchange<T>
{
    /// <summary>Guards changes to <see cref="_subscribers"/> and <see cref="_transport"/>; a send takes no lock.</summary>
    private readonly Lock _gate = new();

    /// <summary>
    /// The current subscribers, in the order attached. Never changed in place: attach and detach publish
    /// a new array, so a send that read the old one finishes over a consistent list.
    /// </summary>
    private volatile Attachment<T>[] _subscribers = [];

    /// <summary>Where sends go while bridged; null when messages are delivered in this process directly.</summary>
    private volatile BridgedTransport? _transport;

    /// <summary>Creates an exchange.</summary>
    /// <param name="name">The exchange's name: shown in faults, and the subject when bridged; optional.</param>
    /// <param name="faultHook">Told of every failure of a subscriber, on the thread that delivered (the sender's, or a pool thread for queued delivery). Optional; see the remarks for what happens without it.</param>
    public Exchange(string? name = null, Action<SubscriberFault>? faultHook = null)
    {
        Name = name;
        FaultHook = faultHook;
    }

    /// <summary>The name given at creation, or null.</summary>
    public string? Name { get; }

    /// <summary>Subscribers attached now.</summary>
    public int SubscriberCount => _subscribers.Length;

    /// <summary>True while bridged to a transport.</summary>
    public bool IsBridged => _transport is not null;

    /// <summary>The fault hook given at creation, or null.</summary>
    internal Action<SubscriberFault>? FaultHook { get; }

    /// <summary>Attaches a subscriber with synchronous delivery.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <returns>The subscription; dispose it to detach.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="subscriber"/> is already attached to this exchange.</exception>
    public Subscription Attach(ISubscriber<T> subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return AttachCore(subscriber, subscriber.Send, null, rejectDuplicate: true);
    }

    /// <summary>Attaches a subscriber with queued delivery: its own bounded backlog, drained on the thread pool.</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <param name="queued">The backlog's capacity and overflow policy.</param>
    /// <returns>The subscription; dispose it to detach.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> or <paramref name="queued"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="subscriber"/> is already attached to this exchange.</exception>
    public Subscription Attach(ISubscriber<T> subscriber, QueuedDelivery queued)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(queued);
        return AttachCore(subscriber, subscriber.Send, queued, rejectDuplicate: true);
    }

    /// <summary>Attaches a delegate with synchronous delivery.</summary>
    /// <param name="handler">Called with each message.</param>
    /// <returns>The subscription; dispose it to detach.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The same delegate instance is already attached to this exchange.</exception>
    public Subscription Attach(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return AttachCore(handler, handler, null, rejectDuplicate: true);
    }

    /// <summary>Attaches a delegate with queued delivery: its own bounded backlog, drained on the thread pool.</summary>
    /// <param name="handler">Called with each message, one at a time, in order.</param>
    /// <param name="queued">The backlog's capacity and overflow policy.</param>
    /// <returns>The subscription; dispose it to detach.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> or <paramref name="queued"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The same delegate instance is already attached to this exchange.</exception>
    public Subscription Attach(Action<T> handler, QueuedDelivery queued)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(queued);
        return AttachCore(handler, handler, queued, rejectDuplicate: true);
    }

    /// <summary>
    /// Attaches a queue: each message is put on it, for the queue's consumers to take. A send never waits
    /// for the queue: a full bounded queue, like a closed one, is a failure of this subscriber, reported
    /// like any other, and the message is not put.
    /// </summary>
    /// <param name="queue">The queue.</param>
    /// <returns>The subscription; dispose it to detach.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="queue"/> is already attached to this exchange.</exception>
    public Subscription Attach(WorkQueue<T> queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return AttachCore(
            queue,
            message =>
            {
                if (!queue.TryPut(message))
                {
                    throw new InvalidOperationException($"The queue '{queue.Name}' is full ({queue.Capacity} items); the message was not put.");
                }
            },
            null,
            rejectDuplicate: true);
    }

    /// <summary>Detaches a subscriber attached with <see cref="Attach(ISubscriber{T})"/> or its queued form (the recipe's <c>detach</c>).</summary>
    /// <param name="subscriber">The subscriber.</param>
    /// <returns><see langword="true"/> if it was attached; <see langword="false"/> if not (the recipe raises instead).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    public bool Detach(ISubscriber<T> subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_gate)
        {
            var found = Array.FindIndex(_subscribers, a => a.IsDirect && ReferenceEquals(a.Subscriber, subscriber));
            return found >= 0 && RemoveAt(found);
        }
    }

    /// <summary>
    /// Sends a message to every subscriber attached now (or, while bridged, hands it to the transport,
    /// which brings it back to the subscribers of every bridged exchange of this name).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <exception cref="AggregateException">Synchronous subscribers failed and the exchange has no fault hook (or the hook threw); every other subscriber still received the message.</exception>
    public void Send(T message)
    {
        if (_transport is { } bridged)
        {
            bridged.Publish(message);
            return;
        }

        DeliverHere(message);
    }

    /// <summary>
    /// Bridges this exchange to a transport: from now on <see cref="Send"/> publishes on the transport
    /// under <paramref name="subject"/>, and whatever the transport delivers on that subject (from this
    /// process or another, including this exchange's own messages) reaches the local subscribers.
    /// Subscribers neither know nor change. Dispose the result to unbridge.
    /// </summary>
    /// <param name="transport">The transport.</param>
    /// <param name="subject">The subject on the transport; <see cref="Name"/> if null.</param>
    /// <returns>Disposing it ends the bridge; sends are delivered in this process directly again.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> is null.</exception>
    /// <exception cref="ArgumentException">Neither <paramref name="subject"/> nor the exchange's name is given.</exception>
    /// <exception cref="InvalidOperationException">The exchange is already bridged.</exception>
    public IDisposable Bridge(IExchangeTransport<T> transport, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        subject ??= Name;
        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException("A bridged exchange needs a subject: give one, or give the exchange a name.", nameof(subject));
        }

        lock (_gate)
        {
            if (_transport is not null)
            {
                throw new InvalidOperationException($"The exchange '{Name}' is already bridged (subject '{_transport.Subject}'); dispose that bridge first.");
            }

            // Receive first, then publish: a message this exchange publishes comes back to its own subscribers.
            var inbound = transport.Subscribe(subject, DeliverHere);
            var bridged = new BridgedTransport(this, transport, subject, inbound);
            _transport = bridged;
            return bridged;
        }
    }

    /// <summary>Attaches on behalf of a pattern subscription: never a duplicate (the key is the pattern subscription itself), never found by <see cref="Detach"/>.</summary>
    internal Subscription AttachForPattern(object patternSubscription, Action<T> send, QueuedDelivery? queued) =>
        AttachCore(patternSubscription, send, queued, rejectDuplicate: false);

    /// <summary>Detaches one attachment; false if it was already detached.</summary>
    internal bool Remove(Attachment<T> attachment)
    {
        lock (_gate)
        {
            var found = Array.IndexOf(_subscribers, attachment);
            return found >= 0 && RemoveAt(found);
        }
    }

    /// <summary>Delivers to the local snapshot: what a send does unbridged, and what a transport calls.</summary>
    private void DeliverHere(T message)
    {
        var snapshot = _subscribers;
        if (snapshot.Length != 1)
        {
            DeliverToEach(snapshot, message);
            return;
        }

        // One subscriber: delivered right here, without the loop's call, which would cost as much again.
        try
        {
            snapshot[0].Deliver(message);
        }
#pragma warning disable CA1031 // A subscriber's failure is reported, as in DeliverToEach.
        catch (Exception e)
#pragma warning restore CA1031
        {
            FailOne(snapshot[0], message, e);
        }
    }

    /// <summary>Reports the failure of a lone subscriber; out of line, as failures are rare.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FailOne(Attachment<T> attachment, T message, Exception error)
    {
        List<Exception>? unreported = null;
        attachment.Fail(message, error, ref unreported);
        if (unreported is not null)
        {
            ThrowUnreported(unreported);
        }
    }

    /// <summary>Delivers to every subscriber of a snapshot, resuming after each one that throws.</summary>
    private void DeliverToEach(Attachment<T>[] snapshot, T message)
    {
        List<Exception>? unreported = null;
        var next = 0;
        while (true)
        {
            try
            {
                DeliverFrom(snapshot, ref next, message);
                break;
            }
#pragma warning disable CA1031 // A subscriber's failure is reported; it must not stop delivery to the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                snapshot[next].Fail(message, e, ref unreported);
                next++;
            }
        }

        if (unreported is not null)
        {
            ThrowUnreported(unreported);
        }
    }

    /// <summary>
    /// The delivery loop, kept out of the protected region of <see cref="DeliverToEach"/>: a loop inside a
    /// try block is compiled less well (measured at about twice the cost per subscriber), while one
    /// protected call per send costs nothing per subscriber. <paramref name="next"/> says, when a
    /// subscriber throws, which one it was, so that delivery resumes after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DeliverFrom(Attachment<T>[] snapshot, ref int next, T message)
    {
        for (var i = next; i < snapshot.Length; i++)
        {
            next = i;
            snapshot[i].Deliver(message);
        }
    }

    /// <summary>Kept out of the delivery methods, whose every call would otherwise set up the message's formatting state.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowUnreported(List<Exception> unreported) =>
        throw new AggregateException(
            $"{unreported.Count} subscriber(s) of exchange '{Name}' failed on a message and no fault hook took the failure; every other subscriber received it.",
            unreported);

    private Subscription AttachCore(object subscriber, Action<T> send, QueuedDelivery? queued, bool rejectDuplicate)
    {
        var attachment = new Attachment<T>(this, subscriber, send, queued, isDirect: rejectDuplicate);
        lock (_gate)
        {
            var current = _subscribers;
            if (rejectDuplicate && Array.Exists(current, a => a.IsDirect && ReferenceEquals(a.Subscriber, subscriber)))
            {
                throw new InvalidOperationException($"{subscriber} is already attached to the exchange '{Name}'; detach it first, or attach another instance.");
            }

            var next = new Attachment<T>[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = attachment;
            _subscribers = next;
        }

        return attachment.Handle;
    }

    /// <summary>Takes the attachment at <paramref name="index"/> out of the snapshot; under the gate.</summary>
    private bool RemoveAt(int index)
    {
        var current = _subscribers;
        var next = new Attachment<T>[current.Length - 1];
        Array.Copy(current, 0, next, 0, index);
        Array.Copy(current, index + 1, next, index, current.Length - index - 1);
        _subscribers = next;
        current[index].MarkDetached();
        return true;
    }

    /// <summary>The transport an exchange is bridged to; disposing it ends the bridge.</summary>
    private sealed class BridgedTransport(Exchange<T> exchange, IExchangeTransport<T> transport, string subject, IDisposable inbound) : IDisposable
    {
        public IExchangeTransport<T> Transport { get; } = transport;

        public string Subject { get; } = subject;

        /// <summary>Out of line, so that an unbridged send pays only for the null check.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Publish(T message) => Transport.Publish(Subject, message);

        public void Dispose()
        {
            lock (exchange._gate)
            {
                if (!ReferenceEquals(exchange._transport, this))
                {
                    return;
                }

                // Publish no more before receiving no more, the mirror of bridging.
                exchange._transport = null;
            }

            inbound.Dispose();
        }
    }
}

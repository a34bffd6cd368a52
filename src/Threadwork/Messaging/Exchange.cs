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
    /// <summary>Guards changes to <see cref="_snapshot"/>; a send takes no lock for its synchronous subscribers.</summary>
    private readonly Lock _gate = new();

    /// <summary>
    /// Serialises the adds of sends to the queued subscribers' backlogs, so that each backlog has one
    /// writer at a time and needs no atomic operation per message; held for the adds alone, never while a
    /// subscriber runs. A backlog's close takes it too, so an add either lands before the close or is refused.
    /// </summary>
    private readonly SendGate _sendGate = new();

    /// <summary>
    /// The current subscribers and the bridge, as one immutable value. Attach, detach and bridging publish
    /// a new one, so a send that read the old one finishes over a consistent list.
    /// </summary>
    private volatile Snapshot _snapshot = new([], null);

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
    public int SubscriberCount => _snapshot.All.Length;

    /// <summary>True while bridged to a transport.</summary>
    public bool IsBridged => _snapshot.Bridge is not null;

    /// <summary>The fault hook given at creation, or null.</summary>
    internal Action<SubscriberFault>? FaultHook { get; }

    /// <summary>What the queued backlogs of this exchange take to add or to close; see <see cref="_sendGate"/>.</summary>
    internal SendGate SendGate => _sendGate;

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
            var found = Array.FindIndex(_snapshot.All, a => a.IsDirect && ReferenceEquals(a.Subscriber, subscriber));
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
        // The two common shapes (one synchronous subscriber, or only synchronous ones, unbridged) are
        // decided when the snapshot is built, so that a send tests one field and makes one call.
        var snapshot = _snapshot;
        if (snapshot.Lone is { } lone)
        {
            DeliverToLone(snapshot, lone, message);
            return;
        }

        if (snapshot.SynchronousOnly)
        {
            if (DeliverToEach(snapshot, message) is { } unreported)
            {
                ThrowUnreported(unreported);
            }

            return;
        }

        SendOtherwise(snapshot, message);
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
            if (_snapshot.Bridge is { } existing)
            {
                throw new InvalidOperationException($"The exchange '{Name}' is already bridged (subject '{existing.Subject}'); dispose that bridge first.");
            }

            // Receive first, then publish: a message this exchange publishes comes back to its own subscribers.
            var inbound = transport.Subscribe(subject, DeliverHere);
            var bridged = new BridgedTransport(this, transport, subject, inbound);
            Publish(new Snapshot(_snapshot.All, bridged));
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
            var found = Array.IndexOf(_snapshot.All, attachment);
            return found >= 0 && RemoveAt(found);
        }
    }

    /// <summary>Delivers to the local subscribers, bridged or not: what a transport calls.</summary>
    private void DeliverHere(T message) => DeliverLocally(_snapshot, message);

    /// <summary>Sends that are neither to one synchronous subscriber nor to synchronous ones only: bridged, queued, mixed, or to nobody.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SendOtherwise(Snapshot snapshot, T message)
    {
        if (snapshot.Bridge is { } bridged)
        {
            bridged.Publish(message);
            return;
        }

        DeliverLocally(snapshot, message);
    }

    /// <summary>
    /// Delivers to every subscriber of a snapshot: the synchronous ones first, on this thread, then the
    /// queued ones' backlogs, so that a synchronous subscriber that detaches a queued one during the
    /// send keeps that message from it too; failures that no hook took are thrown after both.
    /// </summary>
    private void DeliverLocally(Snapshot snapshot, T message)
    {
        var unreported = snapshot.Synchronous.Length == 0 ? null : DeliverToEach(snapshot, message);
        if (snapshot.Queued.Length != 0)
        {
            AddToBacklogs(snapshot.Queued, message);
        }

        if (unreported is not null)
        {
            ThrowUnreported(unreported);
        }
    }

    /// <summary>
    /// Adds the message to every queued subscriber's backlog under <see cref="_sendGate"/>, then wakes the
    /// drains that are idle. One fence for all of them: a backlog publishes its message with a plain
    /// release write, and the gate's exit, a full fence between those writes and the reads of the drains'
    /// flags, matches the one each drain makes between clearing its flag and looking for messages, so that
    /// either this send sees the drain idle and wakes it, or the drain sees the message.
    /// </summary>
    private void AddToBacklogs(QueuedBacklog<T>[] backlogs, T message)
    {
        _sendGate.Enter();
        try
        {
            foreach (var backlog in backlogs)
            {
                backlog.Add(message);
            }
        }
        finally
        {
            _sendGate.Exit();
        }

        foreach (var backlog in backlogs)
        {
            backlog.WakeIfIdle();
        }
    }

    /// <summary>Delivers to the only subscriber; its own method, so that the protected region costs <see cref="Send"/> nothing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DeliverToLone(Snapshot snapshot, Action<T> lone, T message)
    {
        try
        {
            lone(message);
        }
#pragma warning disable CA1031 // A subscriber's failure is reported, as in DeliverToEach.
        catch (Exception e)
#pragma warning restore CA1031
        {
            FailOne(snapshot.Synchronous[0], message, e);
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

    /// <summary>
    /// Delivers to every synchronous subscriber of a snapshot, resuming after each one that throws: one
    /// protected region per send, whatever the number of subscribers, and none per subscriber.
    /// </summary>
    /// <returns>The failures that no fault hook took, or null.</returns>
    private static List<Exception>? DeliverToEach(Snapshot snapshot, T message)
    {
        List<Exception>? unreported = null;
        var next = 0;
        while (true)
        {
            try
            {
                DeliverFrom(snapshot, ref next, message);
                return unreported;
            }
#pragma warning disable CA1031 // A subscriber's failure is reported; it must not stop delivery to the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                snapshot.Synchronous[next].Fail(message, e, ref unreported);
                next++;
            }
        }
    }

    /// <summary>
    /// The delivery loop, kept out of the protected region of <see cref="DeliverToEach"/>: inside a try
    /// block the JIT keeps the loop's variables in memory, which cost about twice as much per subscriber
    /// (measured), while one protected call per send costs nothing per subscriber. <paramref name="next"/>
    /// says, when a subscriber throws, which one it was, so that delivery resumes after it. Each call goes
    /// straight from an array of the subscribers' delegates, with no interface and no per-subscriber
    /// flag: the one test per subscriber is whether the snapshot has been replaced meanwhile (by an
    /// attach or a detach, possibly by a subscriber of this very send), and only then does the rest of
    /// the send look at each subscriber's attached flag.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DeliverFrom(Snapshot snapshot, ref int next, T message)
    {
        var deliverers = snapshot.Deliverers;
        for (var i = next; i < deliverers.Length; i++)
        {
            next = i;
            if (snapshot.Replaced)
            {
                DeliverFromReplaced(snapshot, ref next, message);
                return;
            }

            deliverers[i](message);
        }
    }

    /// <summary>The rest of a send whose snapshot was replaced during it: skips the subscribers detached since.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DeliverFromReplaced(Snapshot snapshot, ref int next, T message)
    {
        var synchronous = snapshot.Synchronous;
        for (var i = next; i < synchronous.Length; i++)
        {
            next = i;
            if (synchronous[i].IsAttached)
            {
                snapshot.Deliverers[i](message);
            }
        }
    }

    /// <summary>Kept out of the delivery methods, whose every call would otherwise set up the message's formatting state.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowUnreported(List<Exception> unreported) =>
        throw new AggregateException(
            $"{unreported.Count} subscriber(s) of exchange '{Name}' failed on a message and no fault hook took the failure; every other subscriber received it.",
            unreported);

    /// <summary>Replaces the snapshot, under the gate, and tells sends still delivering over the old one.</summary>
    private void Publish(Snapshot next)
    {
        var old = _snapshot;
        _snapshot = next;
        old.Replaced = true;
    }

    private Subscription AttachCore(object subscriber, Action<T> send, QueuedDelivery? queued, bool rejectDuplicate)
    {
        var attachment = new Attachment<T>(this, subscriber, send, queued, isDirect: rejectDuplicate);
        lock (_gate)
        {
            var current = _snapshot;
            if (rejectDuplicate && Array.Exists(current.All, a => a.IsDirect && ReferenceEquals(a.Subscriber, subscriber)))
            {
                throw new InvalidOperationException($"{subscriber} is already attached to the exchange '{Name}'; detach it first, or attach another instance.");
            }

            var next = new Attachment<T>[current.All.Length + 1];
            current.All.CopyTo(next, 0);
            next[^1] = attachment;
            Publish(new Snapshot(next, current.Bridge));
        }

        return attachment.Handle;
    }

    /// <summary>Takes the attachment at <paramref name="index"/> out of the snapshot; under the gate.</summary>
    private bool RemoveAt(int index)
    {
        var current = _snapshot;
        var all = current.All;
        var next = new Attachment<T>[all.Length - 1];
        Array.Copy(all, 0, next, 0, index);
        Array.Copy(all, index + 1, next, index, all.Length - index - 1);
        Publish(new Snapshot(next, current.Bridge));
        all[index].MarkDetached();
        return true;
    }

    /// <summary>
    /// The subscribers at one moment, split the way a send needs them, and the bridge. Immutable: a send
    /// reads the exchange's current one once and delivers over it.
    /// </summary>
    private sealed class Snapshot
    {
        /// <summary>Set once, under the exchange's gate, when a newer snapshot replaces this one.</summary>
        private volatile bool _replaced;

        public Snapshot(Attachment<T>[] all, BridgedTransport? bridge)
        {
            All = all;
            Bridge = bridge;
            Synchronous = Array.FindAll(all, a => a.Queue is null);
            Deliverers = Array.ConvertAll(Synchronous, a => a.Send);
            Queued = Array.ConvertAll(Array.FindAll(all, a => a.Queue is not null), a => a.Queue!);
            if (bridge is null && Queued.Length == 0)
            {
                if (Synchronous.Length == 1)
                {
                    Lone = Deliverers[0];
                }
                else
                {
                    SynchronousOnly = Synchronous.Length > 1;
                }
            }
        }

        /// <summary>
        /// True once a newer snapshot replaced this one. A send still delivering over it then checks each
        /// remaining subscriber's attached flag, so it skips one detached meanwhile, even one detached by an
        /// earlier subscriber of the same send, on the same thread, which sees the write in program order.
        /// </summary>
        public bool Replaced
        {
            get => _replaced;
            set => _replaced = value;
        }

        /// <summary>Every attachment, in the order attached: what attach and detach work on.</summary>
        public Attachment<T>[] All { get; }

        /// <summary>Where sends go while bridged; null when they are delivered here directly.</summary>
        public BridgedTransport? Bridge { get; }

        /// <summary>The synchronous attachments, in the order attached.</summary>
        public Attachment<T>[] Synchronous { get; }

        /// <summary>The delegates of <see cref="Synchronous"/>, index for index: what a send calls.</summary>
        public Action<T>[] Deliverers { get; }

        /// <summary>The queued attachments' backlogs, in the order attached.</summary>
        public QueuedBacklog<T>[] Queued { get; }

        /// <summary>Unbridged, with one synchronous subscriber and no queued one: that subscriber's delegate; else null.</summary>
        public Action<T>? Lone { get; }

        /// <summary>Unbridged, with two or more synchronous subscribers and no queued one.</summary>
        public bool SynchronousOnly { get; }
    }

    /// <summary>The transport an exchange is bridged to; disposing it ends the bridge.</summary>
    private sealed class BridgedTransport(Exchange<T> exchange, IExchangeTransport<T> transport, string subject, IDisposable inbound) : IDisposable
    {
        public IExchangeTransport<T> Transport { get; } = transport;

        public string Subject { get; } = subject;

        public void Publish(T message) => Transport.Publish(Subject, message);

        public void Dispose()
        {
            lock (exchange._gate)
            {
                if (!ReferenceEquals(exchange._snapshot.Bridge, this))
                {
                    return;
                }

                // Publish no more before receiving no more, the mirror of bridging.
                exchange.Publish(new Snapshot(exchange._snapshot.All, null));
            }

            inbound.Dispose();
        }
    }
}

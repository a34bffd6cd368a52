using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using NATS.Client.Core;
using Threadwork.Messaging;

namespace Threadwork.Nats;

/// <summary>
/// Carries an <see cref="Exchange{T}"/> across processes and machines over core NATS: bridge an exchange with
/// it (<see cref="Exchange{T}.Bridge"/>) and every send reaches the subscribers of every exchange bridged to
/// the same subject through the same server, in this process and in others. Subscribers do not change.
/// </summary>
/// <remarks>
/// <para>Semantics: core NATS, at most once. A message reaches each subscription connected at the time it
/// passes the server, once, in the order one sender sent; a process that is disconnected, not yet
/// subscribed, or too slow (its pending buffer full; see <see cref="NatsLink.DroppedMessages"/>) misses it,
/// and nothing is stored or sent again. For delivery that survives a crash, use <see cref="NatsWorkQueue{T}"/>.</para>
/// <para>No echo: a send reaches this process's own bridged subscribers directly, on the sender's thread,
/// before it goes to the server, and the server does not send it back (echo is off on the
/// <see cref="NatsLink"/>), so each local subscriber receives it exactly once. Messages from other
/// processes are delivered on one thread per subscription, in the order received.</para>
/// <para>Messages are written with <see cref="JsonMessageSerializer{T}"/> unless another serializer is given.
/// A message that cannot be read as <typeparamref name="T"/>, or a failure thrown while delivering one, goes
/// to the fault hook (or to <see cref="UnreportedFaults"/> without one) and delivery goes on.</para>
/// <para>Subjects are exact exchange names (<c>orders.new</c>): wildcards are refused, because a subject
/// here is where an exchange publishes as well as where it listens.</para>
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
/// <example>
/// <code>
/// await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = "nats://127.0.0.1:4222" });
/// var exchange = new Exchange&lt;Order&gt;("orders.new");
/// using var bridge = exchange.Bridge(new NatsExchangeTransport&lt;Order&gt;(link));
/// using var audit = exchange.Attach(order => Console.WriteLine(order));  // also gets other processes' orders
/// exchange.Send(new Order(1));                                           // reaches every process
/// </code>
/// </example>
public sealed class NatsExchangeTransport<T> : IExchangeTransport<T>
{
    /// <summary>The link whose connection carries the messages; not owned.</summary>
    private readonly NatsLink _link;

    /// <summary>
    /// The link's connection as its class: a publish through <see cref="INatsConnection"/> would be a generic
    /// interface call, which the runtime resolves through a lookup on every message; on the class it is direct.
    /// </summary>
    private readonly NatsConnection _connection;

    /// <summary>Writes and reads the messages.</summary>
    private readonly INatsSerializer<T> _serializer;

    /// <summary>Told of every fault; null to keep them in <see cref="_unreported"/>.</summary>
    private readonly Action<Exception>? _faultHook;

    /// <summary>The client's options for each subscription: its pending buffer.</summary>
    private readonly NatsSubOpts _subscriptionOptions;

    /// <summary>Faults with no hook to take them.</summary>
    private readonly ConcurrentQueue<Exception> _unreported = new();

    /// <summary>
    /// The subject of the last publish and its route set, kept because a bridged exchange publishes every
    /// message on one subject (the same string), so the table is searched once. A route set is never replaced
    /// for its subject (see <see cref="LocalRoutes"/>), so keeping it cannot miss a delivery added later.
    /// </summary>
    private volatile PublishRoute? _lastRoute;

    /// <summary>Creates a transport over a link.</summary>
    /// <param name="link">The connection to use; the transport does not dispose it.</param>
    /// <param name="serializer">How messages are written and read; a <see cref="JsonMessageSerializer{T}"/> with web defaults if null.</param>
    /// <param name="faultHook">Told of a message that could not be read or whose delivery threw, on the subscription's thread; optional.</param>
    /// <param name="pendingCapacity">Messages a subscription may hold received but not yet delivered before the client drops new ones (default 65,536).</param>
    /// <exception cref="ArgumentNullException"><paramref name="link"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pendingCapacity"/> is less than 1.</exception>
    public NatsExchangeTransport(NatsLink link, INatsSerializer<T>? serializer = null, Action<Exception>? faultHook = null, int pendingCapacity = 65_536)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentOutOfRangeException.ThrowIfLessThan(pendingCapacity, 1);
        _link = link;
        _connection = link.Client;
        _serializer = serializer ?? new JsonMessageSerializer<T>();
        _faultHook = faultHook;
        _subscriptionOptions = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = pendingCapacity } };
    }

    /// <summary>Faults that no hook took: messages that could not be read, and failures thrown while delivering one.</summary>
    public IReadOnlyCollection<Exception> UnreportedFaults => _unreported;

    /// <summary>
    /// Delivers the message to this process's subscriptions of the subject (on this thread), then publishes it
    /// to the server for the others. Returns once the client has buffered it: core NATS does not confirm.
    /// While the link is reconnecting, waits for the reconnection at most the command timeout, then throws.
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <param name="message">The message.</param>
    /// <exception cref="NatsException">The client could not take the message (e.g. disconnected longer than the command timeout); local subscribers got it.</exception>
    public void Publish(string subject, T message)
    {
        Exception? local = null;
        if (RoutesOf(subject)?.Current is { Length: > 0 } routes)
        {
            local = DeliverLocally(routes, message);
        }

        var sent = _connection.PublishAsync(subject, message, serializer: _serializer);
        if (!sent.IsCompletedSuccessfully)
        {
            sent.AsTask().GetAwaiter().GetResult();
        }

        if (local is not null)
        {
            ExceptionDispatchInfo.Throw(local);
        }
    }

    /// <summary>Subscribes on the server and in process; returns once the client has sent the subscription (see <see cref="NatsLink.FlushAsync"/> to know the server has it).</summary>
    /// <param name="subject">An exact subject, without wildcards.</param>
    /// <param name="deliver">Hands a message to the exchange's subscribers.</param>
    /// <returns>Disposing it unsubscribes; it returns after the last delivery (unless called from inside one).</returns>
    /// <exception cref="ArgumentException"><paramref name="subject"/> is empty or has a wildcard.</exception>
    /// <exception cref="TimeoutException">The client could not subscribe within the command timeout.</exception>
    public IDisposable Subscribe(string subject, Action<T> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        if (string.IsNullOrWhiteSpace(subject) || subject.Contains('*', StringComparison.Ordinal) || subject.Contains('>', StringComparison.Ordinal) || subject.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{subject}' is not an exact subject: a bridged exchange's subject has no wildcard and no white space.", nameof(subject));
        }

        var subscription = _connection.SubscribeCoreAsync(subject, serializer: _serializer, opts: _subscriptionOptions)
            .AsTask().WaitAsync(_link.CommandTimeout).GetAwaiter().GetResult();
        var inbound = new Inbound(this, subject, deliver, subscription);
        _link.Routes.Add(subject, deliver);
        return inbound;
    }

    /// <summary>The route set of a subject: the one kept from the last publish if it is the same subject string, else looked up (and kept).</summary>
    private RouteSet? RoutesOf(string subject)
    {
        if (_lastRoute is { } last && ReferenceEquals(last.Subject, subject))
        {
            return last.Routes;
        }

        var found = _link.Routes.Find(subject);
        if (found is not null)
        {
            _lastRoute = new PublishRoute(subject, found);
        }

        return found;
    }

    private static Exception? DeliverLocally(object[] routes, T message)
    {
        List<Exception>? failures = null;
        foreach (var route in routes)
        {
            if (route is not Action<T> deliver)
            {
                continue;
            }

            try
            {
                deliver(message);
            }
#pragma warning disable CA1031 // One exchange's failure must not keep the message from the others; all are rethrown.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(e);
            }
        }

        return failures switch
        {
            null => null,
            [var one] => one,
            _ => new AggregateException(failures),
        };
    }

    private void Fault(Exception error)
    {
        if (_faultHook is null)
        {
            _unreported.Enqueue(error);
            return;
        }

        try
        {
            _faultHook(error);
        }
#pragma warning disable CA1031 // A hook that throws loses nothing: both are kept.
        catch (Exception hookError)
#pragma warning restore CA1031
        {
            _unreported.Enqueue(new AggregateException("The transport's fault hook threw while reporting a fault.", error, hookError));
        }
    }

    /// <summary>A subject and its route set, replaced together as one reference so that a publish never reads one without the other.</summary>
    private sealed class PublishRoute(string subject, RouteSet routes)
    {
        public string Subject { get; } = subject;

        public RouteSet Routes { get; } = routes;
    }

    /// <summary>One subscription: reads what the server delivers and hands it to the exchange, until disposed.</summary>
    private sealed class Inbound : IDisposable
    {
        /// <summary>The subscription being delivered on this thread, so that disposing it from inside a delivery does not wait for itself.</summary>
        [ThreadStatic]
        private static Inbound? t_delivering;

        private readonly NatsExchangeTransport<T> _transport;
        private readonly string _subject;
        private readonly Action<T> _deliver;
        private readonly INatsSub<T> _subscription;

        /// <summary>The delivery loop; ends when the subscription's channel completes.</summary>
        private readonly Task _loop;

        /// <summary>Set by Dispose; checked before each delivery, so that none starts after Dispose began.</summary>
        private volatile bool _disposed;

        public Inbound(NatsExchangeTransport<T> transport, string subject, Action<T> deliver, INatsSub<T> subscription)
        {
            _transport = transport;
            _subject = subject;
            _deliver = deliver;
            _subscription = subscription;
            _loop = Task.Run(RunAsync);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _transport._link.Routes.Remove(_subject, _deliver);
            var timeout = _transport._link.CommandTimeout;
            try
            {
                if (!_subscription.DisposeAsync().AsTask().Wait(timeout))
                {
                    _transport.Fault(new TimeoutException($"Unsubscribing from '{_subject}' took longer than {timeout.TotalSeconds:0.#} s; no message is delivered from it any more."));
                }
            }
            catch (AggregateException e)
            {
                _transport.Fault(new InvalidOperationException($"Unsubscribing from '{_subject}' failed; no message is delivered from it any more.", e.InnerException ?? e));
            }

            // The loop ends once the client completes the subscription's channel; from inside a delivery it is this thread's to end.
            if (!ReferenceEquals(t_delivering, this) && !_loop.Wait(timeout))
            {
                _transport.Fault(new TimeoutException($"The delivery from '{_subject}' was still running {timeout.TotalSeconds:0.#} s after unsubscribing."));
            }
        }

        private async Task RunAsync()
        {
            var messages = _subscription.Msgs;
            try
            {
                while (await messages.WaitToReadAsync().ConfigureAwait(false))
                {
                    // Marked once per batch rather than per message, and again after each wait: the await may
                    // resume on another thread.
                    t_delivering = this;
                    try
                    {
                        DeliverAvailable(messages);
                    }
                    finally
                    {
                        t_delivering = null;
                    }

                    // Messages may be left in the channel after Dispose; they are not delivered, and the wait would return at once.
                    if (_disposed)
                    {
                        return;
                    }
                }
            }
#pragma warning disable CA1031 // The client ended the subscription with an error: reported, never lost with the loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _transport.Fault(new InvalidOperationException($"The subscription to '{_subject}' ended with an error; nothing more is delivered from it.", e));
            }
        }

        /// <summary>Delivers what the client holds now, in order; stops before the next message once Dispose began.</summary>
        private void DeliverAvailable(ChannelReader<NatsMsg<T>> messages)
        {
            while (!_disposed && messages.TryRead(out var message))
            {
                if (message.Error is { } unreadable)
                {
                    _transport.Fault(new InvalidDataException($"A message on '{_subject}' ({message.Size} bytes) could not be read as {typeof(T).Name}; it was dropped.", unreadable));
                    continue;
                }

                try
                {
                    _deliver(message.Data!);
                }
#pragma warning disable CA1031 // A subscriber's failure is reported; it must not end the subscription.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _transport.Fault(e);
                }
            }
        }
    }
}

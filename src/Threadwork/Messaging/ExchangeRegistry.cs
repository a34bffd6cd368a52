using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Threadwork.Messaging;

/// <summary>
/// Named exchanges, created on first use (the recipe's <c>get_exchange</c>), and subscriptions by name
/// pattern across them (<c>orders.*</c>), which the recipe does not have.
/// </summary>
/// <remarks>
/// <para>A registry is an object you create and pass to whoever needs it, not a global as in the recipe,
/// so that tests and independent parts of a program do not share exchanges by accident.</para>
/// <para>Names are dot-separated tokens, as NATS writes subjects (<c>orders.new</c>), so that a name is
/// also a valid subject when its exchange is bridged. A name has one message type: asking for it with
/// another type is an error. In patterns, <c>*</c> matches exactly one token and a final <c>&gt;</c>
/// matches one or more (<c>orders.&gt;</c> matches <c>orders.new</c> and <c>orders.new.eu</c>).</para>
/// <para>Thread-safe: concurrent calls for one name get the same exchange, and a pattern subscription
/// made while exchanges are being created is attached exactly once to every matching exchange of its
/// message type.</para>
/// </remarks>
/// <example>
/// <code>
/// var registry = new ExchangeRegistry();
/// using var audit = registry.SubscribePattern&lt;string&gt;("orders.*", message => Console.WriteLine($"audit: {message}"));
/// registry.GetOrCreate&lt;string&gt;("orders.new").Send("order 1");   // audit: order 1
/// registry.GetOrCreate&lt;string&gt;("users.new").Send("user 1");     // not matched
/// </code>
/// </example>
public sealed class ExchangeRegistry
{
    /// <summary>Guards creating exchanges and changing <see cref="_patterns"/>, so that neither can miss the other.</summary>
    private readonly Lock _gate = new();

    /// <summary>Every exchange by name (each an <see cref="Exchange{T}"/>); read without the gate, added to under it.</summary>
    private readonly ConcurrentDictionary<string, object> _exchanges = new(StringComparer.Ordinal);

    /// <summary>Live pattern subscriptions; only touched under <see cref="_gate"/>.</summary>
    private readonly List<PatternSubscription> _patterns = [];

    /// <summary>Given to every exchange this registry creates.</summary>
    private readonly Action<SubscriberFault>? _faultHook;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="faultHook">The fault hook of every exchange it creates (see <see cref="Exchange{T}"/>); optional.</param>
    public ExchangeRegistry(Action<SubscriberFault>? faultHook = null) => _faultHook = faultHook;

    /// <summary>The names of the exchanges created so far, in no particular order.</summary>
    public IReadOnlyCollection<string> Names => [.. _exchanges.Keys];

    /// <summary>Returns the exchange of this name, creating it (and attaching the matching pattern subscriptions) on first use.</summary>
    /// <typeparam name="T">The type of its messages.</typeparam>
    /// <param name="name">Dot-separated tokens, e.g. <c>orders.new</c>.</param>
    /// <returns>The one exchange of this name.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, has an empty token, white space or a wildcard.</exception>
    /// <exception cref="InvalidOperationException">The exchange exists with another message type.</exception>
    public Exchange<T> GetOrCreate<T>(string name)
    {
        if (_exchanges.TryGetValue(name ?? throw new ArgumentNullException(nameof(name)), out var existing))
        {
            return Typed<T>(name, existing);
        }

        SubjectPattern.ValidateName(name, nameof(name));
        lock (_gate)
        {
            if (_exchanges.TryGetValue(name, out existing))
            {
                return Typed<T>(name, existing);
            }

            var exchange = new Exchange<T>(name, _faultHook);
            foreach (var pattern in _patterns)
            {
                if (pattern.Pattern.Matches(name))
                {
                    pattern.AttachTo(exchange);
                }
            }

            // Published last: nobody can send on it before the pattern subscribers are attached.
            _exchanges[name] = exchange;
            return exchange;
        }
    }

    /// <summary>Finds an existing exchange without creating one.</summary>
    /// <typeparam name="T">The type of its messages.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="exchange">The exchange, or null if none has this name.</param>
    /// <returns><see langword="true"/> if it exists.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The exchange exists with another message type.</exception>
    public bool TryGet<T>(string name, [NotNullWhen(true)] out Exchange<T>? exchange)
    {
        ArgumentNullException.ThrowIfNull(name);
        exchange = _exchanges.TryGetValue(name, out var existing) ? Typed<T>(name, existing) : null;
        return exchange is not null;
    }

    /// <summary>
    /// Attaches a subscriber to every exchange of message type <typeparamref name="T"/> whose name matches
    /// <paramref name="pattern"/>, now and as they are created, until the result is disposed. Exchanges of
    /// other types are skipped. A subscriber on several exchanges may be called from several threads at once.
    /// </summary>
    /// <typeparam name="T">The type of the messages.</typeparam>
    /// <param name="pattern">For example <c>orders.*</c> (one token) or <c>orders.&gt;</c> (one or more).</param>
    /// <param name="subscriber">The subscriber.</param>
    /// <param name="queued">Queued delivery settings (one backlog per matched exchange), or null for synchronous delivery.</param>
    /// <returns>Disposing it detaches the subscriber from every matched exchange.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="subscriber"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid pattern; the message says why.</exception>
    public IDisposable SubscribePattern<T>(string pattern, ISubscriber<T> subscriber, QueuedDelivery? queued = null)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return SubscribePatternCore<T>(pattern, subscriber.Send, queued);
    }

    /// <summary>
    /// Attaches a delegate to every exchange of message type <typeparamref name="T"/> whose name matches
    /// <paramref name="pattern"/>, now and as they are created, until the result is disposed.
    /// </summary>
    /// <typeparam name="T">The type of the messages.</typeparam>
    /// <param name="pattern">For example <c>orders.*</c> (one token) or <c>orders.&gt;</c> (one or more).</param>
    /// <param name="handler">Called with each message.</param>
    /// <param name="queued">Queued delivery settings (one backlog per matched exchange), or null for synchronous delivery.</param>
    /// <returns>Disposing it detaches the delegate from every matched exchange.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid pattern; the message says why.</exception>
    public IDisposable SubscribePattern<T>(string pattern, Action<T> handler, QueuedDelivery? queued = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SubscribePatternCore(pattern, handler, queued);
    }

    /// <summary>Ends a pattern subscription; called by its Dispose, any number of times.</summary>
    internal void Unsubscribe(PatternSubscription subscription)
    {
        lock (_gate)
        {
            if (_patterns.Remove(subscription))
            {
                subscription.DetachAll();
            }
        }
    }

    private static Exchange<T> Typed<T>(string name, object existing) =>
        existing as Exchange<T> ?? throw new InvalidOperationException(
            $"The exchange '{name}' carries {MessageType(existing)}, not {typeof(T)}; one name has one message type.");

    private static Type MessageType(object exchange) => exchange.GetType().GetGenericArguments()[0];

    private PatternSubscription<T> SubscribePatternCore<T>(string pattern, Action<T> send, QueuedDelivery? queued)
    {
        var parsed = SubjectPattern.Parse(pattern, nameof(pattern));
        var subscription = new PatternSubscription<T>(this, parsed, send, queued);
        lock (_gate)
        {
            foreach (var (name, exchange) in _exchanges)
            {
                if (parsed.Matches(name))
                {
                    subscription.AttachTo(exchange);
                }
            }

            _patterns.Add(subscription);
        }

        return subscription;
    }
}

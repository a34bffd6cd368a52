using NATS.Client.Core;

namespace Threadwork.Nats;

/// <summary>
/// One connection to a NATS server, shared by the exchanges (<see cref="NatsExchangeTransport{T}"/>) and work
/// queues (<see cref="NatsWorkQueue{T}"/>) of a process. The client reconnects by itself when the server goes
/// away and resubscribes; <see cref="State"/> and <see cref="StateChanged"/> show it.
/// </summary>
/// <remarks>
/// <para>Connecting is bounded: an unreachable server, one that does not answer within
/// <see cref="NatsLinkOptions.ConnectTimeout"/>, and one that refuses the credentials each end
/// <see cref="ConnectAsync"/> with a <see cref="NatsConnectException"/> that names the URL.</para>
/// <para>The connection has echo turned off: the server never sends this connection's own messages back to
/// it. Exchanges bridged over this link deliver their sends to this process's subscribers in process
/// instead, once. Raw subscriptions made on <see cref="Connection"/> do not see this connection's publishes either.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = "nats://127.0.0.1:4222" });
/// link.StateChanged += (_, e) => Console.Error.WriteLine($"nats: {e.State} ({e.Detail})");
/// </code>
/// </example>
public sealed class NatsLink : IAsyncDisposable
{
    /// <summary>The client connection; owned, disposed with the link.</summary>
    private readonly NatsConnection _connection;

    /// <summary>The current <see cref="NatsLinkState"/>, as an int for Volatile access from the client's event threads; -1 until connected.</summary>
    private int _state = -1;

    /// <summary>Messages the client dropped because a subscription's pending buffer was full.</summary>
    private long _droppedMessages;

    /// <summary>Set once by <see cref="DisposeAsync"/>, so that the client's last disconnection is not reported as a reconnection.</summary>
    private int _disposed;

    private NatsLink(NatsConnection connection, string server, TimeSpan commandTimeout)
    {
        _connection = connection;
        Server = server;
        CommandTimeout = commandTimeout;
        _connection.ConnectionOpened += OnOpenedAsync;
        _connection.ConnectionDisconnected += OnDisconnectedAsync;
        _connection.ReconnectFailed += OnReconnectFailedAsync;
        _connection.MessageDropped += OnMessageDroppedAsync;
    }

    /// <summary>Raised on the client's threads when the connection is lost, fails to come back, or is back. Handlers must be quick.</summary>
    public event EventHandler<NatsLinkStateChangedEventArgs>? StateChanged;

    /// <summary>The server URL given, with any credentials in it masked.</summary>
    public string Server { get; }

    /// <summary>The state of the connection now (<see cref="NatsLinkState.Connected"/> once <see cref="ConnectAsync"/> has returned, until it is lost).</summary>
    public NatsLinkState State => Volatile.Read(ref _state) is var state and >= 0 ? (NatsLinkState)state : NatsLinkState.Reconnecting;

    /// <summary>Messages received but dropped by the client because a subscriber fell too far behind (core NATS is at most once).</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    /// <summary>The NATS.Net connection, for what Threadwork does not wrap (request/reply, key/value). Echo is off on it.</summary>
    public INatsConnection Connection => _connection;

    /// <summary>The same connection as <see cref="Connection"/>, as its class, for calls on the hot path (see <see cref="NatsExchangeTransport{T}"/>).</summary>
    internal NatsConnection Client => _connection;

    /// <summary>The bound of every wait on the server.</summary>
    internal TimeSpan CommandTimeout { get; }

    /// <summary>The in-process deliveries of exchanges bridged over this link.</summary>
    internal LocalRoutes Routes { get; } = new();

    /// <summary>Connects to a server.</summary>
    /// <param name="options">Where and how.</param>
    /// <param name="cancellationToken">Abandons the attempt.</param>
    /// <returns>The connected link; dispose it to close the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="NatsConnectException">The server is unreachable, did not answer in time, or refused the credentials; the message names the URL.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<NatsLink> ConnectAsync(NatsLinkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var opts = options.ToNatsOpts();
        var url = Mask(opts.Url);
#pragma warning disable CA2000 // The link owns the connection from here on, and is disposed below if connecting fails.
        var link = new NatsLink(new NatsConnection(opts), url, options.CommandTimeout);
#pragma warning restore CA2000
        try
        {
            // The client bounds each attempt by ConnectTimeout; this bounds the whole, whatever the client does.
            await link._connection.ConnectAsync().AsTask()
                .WaitAsync(options.ConnectTimeout + options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref link._state, (int)NatsLinkState.Connected);
            return link;
        }
        catch (Exception e)
        {
            await link.DisposeAsync().ConfigureAwait(false);
            if (e is NatsException or TimeoutException)
            {
                throw Describe(url, options.ConnectTimeout, e);
            }

            throw;
        }
    }

    /// <summary>Returns once the server has received everything this link sent before (a PING answered by a PONG).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The round trip's time.</returns>
    /// <exception cref="TimeoutException">The server did not answer within the command timeout.</exception>
    public async Task<TimeSpan> FlushAsync(CancellationToken cancellationToken = default) =>
        await _connection.PingAsync(cancellationToken).AsTask().WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the connection; the state becomes <see cref="NatsLinkState.Closed"/>.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _state, (int)NatsLinkState.Closed);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A server URL (or comma-separated list) fit to print: what stands between the scheme and an <c>@</c> (a token, a password) becomes <c>***</c>.</summary>
    /// <param name="servers">The URL, or several separated by commas.</param>
    /// <returns>The URL with its credentials masked.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="servers"/> is null.</exception>
    public static string Mask(string servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var parts = servers.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var at = parts[i].LastIndexOf('@');
            var scheme = parts[i].IndexOf("://", StringComparison.Ordinal);
            if (at > 0)
            {
                parts[i] = scheme >= 0 ? string.Concat(parts[i].AsSpan(0, scheme + 3), "***", parts[i].AsSpan(at)) : string.Concat("***", parts[i].AsSpan(at));
            }
        }

        return string.Join(',', parts);
    }

    private static NatsConnectException Describe(string url, TimeSpan connectTimeout, Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is NatsServerException { IsAuthError: true } auth)
            {
                return new NatsConnectException(url, isAuthorizationFailure: true, $"The NATS server at {url} refused the credentials ({auth.Error.Trim('\'', ' ')}): check the token or user and password.", error);
            }
        }

        var why = error is TimeoutException
            ? $"no answer within {connectTimeout.TotalSeconds:0.#} s"
            : error.InnerException?.Message ?? error.Message;
        return new NatsConnectException(url, isAuthorizationFailure: false, $"Cannot connect to the NATS server at {url}: {why}. Is nats-server running there?", error);
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs e)
    {
        // The first opening is ConnectAsync's to report; only a reconnection is a change of state.
        if (State == NatsLinkState.Reconnecting && Volatile.Read(ref _disposed) == 0)
        {
            Report(NatsLinkState.Connected, e.Message);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs e)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            Report(NatsLinkState.Reconnecting, e.Message);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnReconnectFailedAsync(object? sender, NatsEventArgs e)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            Report(NatsLinkState.Reconnecting, $"reconnection failed: {e.Message}");
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnMessageDroppedAsync(object? sender, NatsMessageDroppedEventArgs e)
    {
        Interlocked.Increment(ref _droppedMessages);
        return ValueTask.CompletedTask;
    }

    private void Report(NatsLinkState state, string detail)
    {
        Volatile.Write(ref _state, (int)state);
        StateChanged?.Invoke(this, new NatsLinkStateChangedEventArgs(state, Mask(detail)));
    }
}

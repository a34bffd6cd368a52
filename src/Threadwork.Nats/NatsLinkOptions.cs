using NATS.Client.Core;

namespace Threadwork.Nats;

/// <summary>
/// Where and how a <see cref="NatsLink"/> connects: the server's URL, the credentials (a token, or a user
/// and password), TLS, and how long a connection attempt may take.
/// </summary>
/// <remarks>
/// Credentials may also be written in the URL (<c>nats://token@host:4222</c>, <c>nats://user:password@host:4222</c>),
/// as every NATS client reads them. Anything else NATS.Net offers (NKeys, JWTs, a logger) goes through
/// <see cref="Configure"/>.
/// </remarks>
public sealed class NatsLinkOptions
{
    /// <summary>The URL of a server this machine runs with the default port; what the tool uses without <c>--nats</c>.</summary>
    public const string DefaultServer = "nats://127.0.0.1:4222";

    /// <summary>The server's URL (a string: NATS takes a comma-separated list), e.g. <c>nats://127.0.0.1:4222</c> or <c>tls://nats.example.com:4222</c>; several may be given separated by commas.</summary>
    public string Server { get; init; } = DefaultServer;

    /// <summary>The token the server expects (its <c>--auth</c>), or null.</summary>
    public string? Token { get; init; }

    /// <summary>The user name, with <see cref="Password"/>, or null.</summary>
    public string? User { get; init; }

    /// <summary>The password of <see cref="User"/>, or null.</summary>
    public string? Password { get; init; }

    /// <summary>TLS settings (CA file, client certificate, mode), or null for NATS.Net's default: TLS when the URL is <c>tls://</c> or the server asks for it.</summary>
    public NatsTlsOpts? Tls { get; init; }

    /// <summary>How long one attempt to reach the server and be accepted may take before it is a failure (default 5 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an operation may wait for the server (a subscription, a flush, a JetStream call), and how long a publish may wait while disconnected (default 10 s).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The shortest wait between two reconnection attempts after the server went away (default 1 s; NATS.Net adds jitter and backs off to twice this).</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The name the connection shows in the server's monitoring, or null.</summary>
    public string? Name { get; init; }

    /// <summary>Changes the NATS.Net options last, for anything not covered here; null for none.</summary>
    public Func<NatsOpts, NatsOpts>? Configure { get; init; }

    /// <summary>The NATS.Net options these settings stand for.</summary>
    internal NatsOpts ToNatsOpts()
    {
        if (ConnectTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero || ReconnectWait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), "ConnectTimeout, CommandTimeout and ReconnectWait must be longer than zero.");
        }

        if (string.IsNullOrWhiteSpace(Server))
        {
            throw new ArgumentException("The NATS server's URL is empty.", nameof(Server));
        }

        var auth = NatsAuthOpts.Default;
        if (Token is not null)
        {
            auth = auth with { Token = Token };
        }

        if (User is not null)
        {
            auth = auth with { Username = User, Password = Password };
        }

        var opts = NatsOpts.Default with
        {
            Url = Server,
            Name = Name ?? "threadwork",
            AuthOpts = auth,
            TlsOpts = Tls ?? NatsTlsOpts.Default,
            ConnectTimeout = ConnectTimeout,
            CommandTimeout = CommandTimeout,
            RequestTimeout = CommandTimeout,
            ReconnectWaitMin = ReconnectWait,
            ReconnectWaitMax = ReconnectWait * 2,

            // A message this connection publishes is delivered to this process's subscribers in process,
            // once; the server must not send it back a second time.
            Echo = false,

            // A publish while the server is away waits for the reconnection at most CommandTimeout, then fails.
            PublishTimeoutOnDisconnected = true,
        };
        return Configure is null ? opts : Configure(opts);
    }
}

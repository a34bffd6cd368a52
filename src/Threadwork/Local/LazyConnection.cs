using System.Net;
using System.Net.Sockets;

namespace Threadwork.Local;

/// <summary>
/// Recipe 12.6's <c>LazyConnection</c>: one object shared by many threads, where each thread that
/// enters a scope gets its own connected socket, opened then and closed when the scope ends. Nested
/// scopes on one thread get separate connections.
/// </summary>
/// <remarks>Connecting observes a cancellation token (the recipe's blocking <c>connect</c> cannot be interrupted).</remarks>
/// <example>
/// <code>
/// var conn = new LazyConnection(new IPEndPoint(IPAddress.Loopback, 15000));
/// // on any number of threads:
/// using (var scope = conn.Enter(token))
/// {
///     scope.Resource.Send("GET /index.html HTTP/1.0\r\n\r\n"u8);
///     using (var second = conn.Enter(token)) { /* another socket, same thread */ }
/// }   // this thread's socket is closed here
/// </code>
/// </example>
public sealed class LazyConnection
{
    /// <summary>Opens this thread's sockets.</summary>
    private readonly ThreadLocalResource<Socket> _sockets;

    /// <summary>Creates a lazy connection to <paramref name="address"/>; nothing connects until a thread enters.</summary>
    /// <param name="address">Where to connect: an <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> (resolved at each connect).</param>
    /// <param name="socketType">The socket type; stream by default, as in the recipe.</param>
    /// <param name="protocolType">The protocol; TCP by default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    public LazyConnection(EndPoint address, SocketType socketType = SocketType.Stream, ProtocolType protocolType = ProtocolType.Tcp)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        _sockets = new ThreadLocalResource<Socket>(cancellationToken => Connect(address, socketType, protocolType, cancellationToken));
    }

    /// <summary>Where each scope connects.</summary>
    public EndPoint Address { get; }

    /// <summary>The socket of this thread's innermost open scope.</summary>
    /// <exception cref="InvalidOperationException">This thread has no open scope.</exception>
    public Socket Current => _sockets.Current;

    /// <summary>How many scopes (and so connections) the calling thread has open.</summary>
    public int OpenOnThisThread => _sockets.OpenOnThisThread;

    /// <summary>Connects a new socket for the calling thread; disposing the scope closes it.</summary>
    /// <param name="cancellationToken">Ends a connect that is still waiting; nothing is left open.</param>
    /// <returns>The scope, whose <see cref="ThreadLocalScope{T}.Resource"/> is the connected socket.</returns>
    /// <exception cref="SocketException">The connection failed (refused, unreachable).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while connecting.</exception>
    public ThreadLocalScope<Socket> Enter(CancellationToken cancellationToken = default) => _sockets.Enter(cancellationToken);

    private static Socket Connect(EndPoint address, SocketType socketType, ProtocolType protocolType, CancellationToken cancellationToken)
    {
        // A DnsEndPoint has no family until resolved; a dual-mode socket reaches either.
        var socket = address.AddressFamily == AddressFamily.Unspecified
            ? new Socket(socketType, protocolType)
            : new Socket(address.AddressFamily, socketType, protocolType);
        try
        {
            // The asynchronous connect is the one a token can cancel; this thread waits for it.
            socket.ConnectAsync(address, cancellationToken).AsTask().GetAwaiter().GetResult();
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

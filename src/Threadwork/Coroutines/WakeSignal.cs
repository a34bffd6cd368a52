using System.Net;
using System.Net.Sockets;

namespace Threadwork.Coroutines;

/// <summary>
/// A loopback UDP socket connected to itself: <see cref="Set"/> makes it readable, so a scheduler asleep in
/// its socket poll wakes when its run is cancelled from another thread (the classic self-pipe trick,
/// with a socket because a poll of .NET sockets takes only sockets).
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    /// <summary>Bound and connected to its own loopback address; non-blocking, so neither side can hang.</summary>
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public WakeSignal()
    {
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _socket.Connect(_socket.LocalEndPoint!);
            _socket.Blocking = false;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>The socket to add to the poll's read list.</summary>
    public Socket Socket => _socket;

    /// <summary>Makes <see cref="Socket"/> readable. Safe from any thread, and after <see cref="Dispose"/>.</summary>
    public void Set()
    {
        try
        {
            // A full receive buffer (WouldBlock) means earlier signals are still unread: already readable.
            _socket.Send([1], SocketFlags.None, out _);
        }
        catch (ObjectDisposedException)
        {
            // The run ended and took the signal with it: there is no one left to wake.
        }
    }

    public void Dispose() => _socket.Dispose();
}

using System.Net;
using System.Net.Sockets;

namespace Threadwork.Tests.Coroutines;

/// <summary>Two connected TCP sockets on 127.0.0.1 (an ephemeral port), for readiness tests.</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    public Socket Client { get; }

    public Socket Server { get; }

    public static SocketPair Open()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        return new SocketPair(client, listener.Accept());
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}

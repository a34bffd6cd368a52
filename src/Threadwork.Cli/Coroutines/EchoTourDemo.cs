using System.Net;
using System.Net.Sockets;
using System.Text;
using Threadwork.Coroutines;

namespace Threadwork.Cli.Coroutines;

/// <summary>The tour's echo round trip: the coroutine echo server and a coroutine client on the same single thread.</summary>
internal static class EchoTourDemo
{
    public static void Run(TextWriter output, CancellationToken cancellationToken) =>
        CoroutineEchoServer.Run(new IPEndPoint(IPAddress.Loopback, 0), quiet: false, maxClients: 1, output,
            (scheduler, endpoint) => scheduler.Spawn("client", Client(endpoint, output)), cancellationToken);

    private static IEnumerable<Suspend> Client(IPEndPoint server, TextWriter output)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

        // A loopback connect completes in the kernel's backlog, before the server coroutine accepts it.
        socket.Connect(server);
        socket.Send("hello\nfrom one thread\n"u8);
        socket.Shutdown(SocketShutdown.Send);
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (true)
        {
            yield return Suspend.UntilReadable(socket);
            var n = socket.Receive(buffer);
            if (n == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        foreach (var line in reply.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            output.WriteLine($"client received: {line}");
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Threadwork.Coroutines;

namespace Threadwork.Cli.Coroutines;

/// <summary>
/// Recipe 12.12's echo server on coroutines: one thread, one poll for every socket, a coroutine per
/// client that replies "GOT:&lt;line&gt;" to each line it receives (a last line without a newline too, as the
/// recipe's readline does).
/// </summary>
internal static class CoroutineEchoServer
{
    private static readonly byte[] Prefix = "GOT:"u8.ToArray();

    /// <summary>Listens on <paramref name="endpoint"/> and serves until cancelled (or until <paramref name="maxClients"/> clients have come and gone).</summary>
    /// <param name="endpoint">Where to listen; port 0 picks a free port, printed in the "running at" line.</param>
    /// <param name="quiet">Print only the "running at" line, not a line per connection.</param>
    /// <param name="maxClients">Stop accepting after this many connections and end when they close; null serves until cancelled.</param>
    /// <param name="output">Where the server reports.</param>
    /// <param name="extra">More coroutines to run beside the server (the tour's client), given the bound endpoint.</param>
    /// <param name="cancellationToken">Stops the server: the listener and every connection are closed.</param>
    public static void Run(IPEndPoint endpoint, bool quiet, int? maxClients, TextWriter output, Action<CoroutineScheduler, IPEndPoint>? extra, CancellationToken cancellationToken)
    {
        using var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(endpoint);
        listener.Listen(128);
        listener.Blocking = false;
        var bound = (IPEndPoint)listener.LocalEndPoint!;
        output.WriteLine($"Coroutine echo server running at {bound}");

        var scheduler = new CoroutineScheduler { FaultReporter = CoroutineFaults.ToStandardError };
        scheduler.Spawn("server", ServerLoop(listener, scheduler, quiet, maxClients, output));
        extra?.Invoke(scheduler, bound);
        scheduler.Run(cancellationToken);
    }

    private static IEnumerable<Suspend> ServerLoop(Socket listener, CoroutineScheduler scheduler, bool quiet, int? maxClients, TextWriter output)
    {
        var accepted = 0;
        while (maxClients is null || accepted < maxClients)
        {
            yield return Suspend.UntilReadable(listener);
            if (TryAccept(listener) is not { } client)
            {
                continue;
            }

            accepted++;
            var peer = client.RemoteEndPoint?.ToString() ?? $"connection {accepted}";
            if (!quiet)
            {
                output.WriteLine($"Got connection from {peer}");
            }

            scheduler.Spawn($"client {peer}", ClientHandler(client, peer, quiet, output));
        }
    }

    private static IEnumerable<Suspend> ClientHandler(Socket client, string peer, bool quiet, TextWriter output)
    {
        using (client)
        {
            client.Blocking = false;
            client.NoDelay = true;
            var received = new byte[8192];
            // Worst case every byte ends a line and gets its own prefix.
            var reply = new byte[received.Length * (Prefix.Length + 1)];
            var atLineStart = true;
            while (true)
            {
                yield return Suspend.UntilReadable(client);
                var count = client.Receive(received, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    continue;
                }

                if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }

                if (count == 0)
                {
                    break;
                }

                // Each line goes back as "GOT:" + line; a line split across receives gets its prefix once.
                var length = 0;
                for (var i = 0; i < count; i++)
                {
                    if (atLineStart)
                    {
                        Prefix.CopyTo(reply, length);
                        length += Prefix.Length;
                        atLineStart = false;
                    }

                    var b = received[i];
                    reply[length++] = b;
                    atLineStart = b == (byte)'\n';
                }

                for (var sent = 0; sent < length;)
                {
                    var n = client.Send(reply, sent, length - sent, SocketFlags.None, out error);
                    if (error == SocketError.WouldBlock)
                    {
                        yield return Suspend.UntilWritable(client);
                        continue;
                    }

                    if (error != SocketError.Success)
                    {
                        throw new SocketException((int)error);
                    }

                    sent += n;
                }
            }
        }

        if (!quiet)
        {
            output.WriteLine($"Client {peer} closed");
        }
    }

    private static Socket? TryAccept(Socket listener)
    {
        try
        {
            return listener.Accept();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionAborted or SocketError.ConnectionReset)
        {
            // The connection that made the listener readable went away before the accept: nothing to serve.
            return null;
        }
    }
}

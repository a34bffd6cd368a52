using System.Net.Sockets;

namespace Threadwork.Cli.Tests;

/// <summary>What a plain TCP client does with an echo server: send, read back exactly, read to the end.</summary>
internal static class EchoSockets
{
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Sends <paramref name="message"/> while reading its echo (so a message larger than the socket buffers cannot deadlock) and returns what came back.</summary>
    public static byte[] RoundTrip(Socket socket, byte[] message)
    {
        var sending = Task.Run(() => socket.Send(message));
        var echoed = ReadExactly(socket, message.Length);
        Assert.True(sending.Wait(EchoServerProcess.Bound));
        Assert.Equal(message.Length, sending.Result);
        return echoed;
    }

    public static byte[] ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = socket.Receive(buffer, read, count - read, SocketFlags.None);
            Assert.True(n > 0, $"the server closed the connection after {read} of {count} bytes");
            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the server closes its side; returns everything read.</summary>
    public static byte[] ReadToEnd(Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }
}

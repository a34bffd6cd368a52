using System.Net.Sockets;
using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class WakeSignalTests
{
    [Fact]
    public void Set_makes_the_socket_readable_from_another_thread_and_is_harmless_after_dispose()
    {
        var wake = new WakeSignal();
        var readable = new List<Socket> { wake.Socket };
        Socket.Select(readable, null, null, 0);
        Assert.Empty(readable);

        var setter = new Thread(wake.Set);
        setter.Start();
        setter.Join();
        readable.Add(wake.Socket);
        Socket.Select(readable, null, null, 10_000_000);
        Assert.Same(wake.Socket, Assert.Single(readable));

        wake.Dispose();
        wake.Set();
    }
}

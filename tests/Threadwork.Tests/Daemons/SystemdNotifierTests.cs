using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Threadwork.Daemons;

namespace Threadwork.Tests.Daemons;

[SupportedOSPlatform("linux")]
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("threadwork-notify-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Send_delivers_one_datagram_to_a_socket_path()
    {
        var path = Path.Combine(folder, "notify.sock");
        using var socket = Bound(path);
        SystemdNotifier.Send(path, "READY=1");
        Assert.Equal("READY=1", await ReceiveAsync(socket));
    }

    [Fact]
    public async Task An_at_sign_names_an_abstract_socket()
    {
        var name = $"threadwork-notify-{Guid.NewGuid():N}";
        using var socket = Bound("\0" + name);
        SystemdNotifier.Send("@" + name, "STOPPING=1");
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
    }

    [Fact]
    public void A_socket_nobody_listens_on_is_an_error_not_silence()
    {
        Assert.Throws<SocketException>(() => SystemdNotifier.Send(Path.Combine(folder, "nobody.sock"), "READY=1"));
    }

    private static Socket Bound(string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(address));
        return socket;
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}

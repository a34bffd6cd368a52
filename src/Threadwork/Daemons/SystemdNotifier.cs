using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;

namespace Threadwork.Daemons;

/// <summary>
/// The systemd readiness protocol (sd_notify) for services of <c>Type=notify</c>: a datagram of
/// "KEY=value" lines sent to the Unix socket that systemd names in <c>NOTIFY_SOCKET</c>.
/// </summary>
/// <example>
/// <code>
/// SystemdNotifier.Notify("READY=1"); // false, and nothing sent, when not run by systemd
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public static class SystemdNotifier
{
    /// <summary>The environment variable systemd sets to the notification socket's path ('@' starts an abstract name).</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    /// <summary>Sends <paramref name="state"/> (for example "READY=1" or "STOPPING=1") when <c>NOTIFY_SOCKET</c> is set.</summary>
    /// <param name="state">Newline-separated assignments, as sd_notify(3) lists them.</param>
    /// <returns><see langword="true"/> when sent; <see langword="false"/> when the process is not run by systemd.</returns>
    /// <exception cref="SocketException">The socket is named but cannot be reached.</exception>
    public static bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var socketPath = Environment.GetEnvironmentVariable(SocketVariable);
        if (string.IsNullOrEmpty(socketPath))
        {
            return false;
        }

        Send(socketPath, state);
        return true;
    }

    /// <summary>Sends one datagram to <paramref name="socketPath"/>; an initial '@' names an abstract socket.</summary>
    internal static void Send(string socketPath, string state)
    {
        var address = socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(address));
    }
}

using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Threadwork.Cli.Echo;

/// <summary>The options of <c>echo serve</c> and <c>echo load</c> that the shared ones do not cover: hosts and ports.</summary>
internal static class EchoOptions
{
    /// <summary>A host name or address, resolved when parsed (an IPv4 address first), so a bad one is a usage error.</summary>
    public static Option<IPAddress> Host(string description) => new("--host")
    {
        Description = description,
        DefaultValueFactory = _ => IPAddress.Loopback,
        CustomParser = result =>
        {
            var token = result.Tokens[0].Value;
            if (IPAddress.TryParse(token, out var address))
            {
                return address;
            }

            try
            {
                var addresses = Dns.GetHostAddresses(token);
                var found = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
                if (found is not null)
                {
                    return found;
                }
            }
            catch (SocketException)
            {
            }

            result.AddError($"--host: '{token}' is neither an IP address nor a host name this machine can resolve.");
            return IPAddress.None;
        },
    };

    /// <summary>A TCP port; 0 (pick a free one) only when <paramref name="allowZero"/>.</summary>
    public static Option<int> Port(int defaultValue, bool allowZero, string description) => new("--port")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var token = result.Tokens[0].Value;
            var lowest = allowZero ? 0 : 1;
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < lowest || port > 65535)
            {
                result.AddError($"--port must be a whole number from {lowest} to 65535, but was '{token}'.");
            }

            return port;
        },
    };
}

using System.Net;

namespace Threadwork.Cli.Echo;

/// <summary>
/// The server's log: the recipe's per-connection lines (unless quiet) and the server's own lines
/// (start, waits, stop), which are always shown.
/// </summary>
internal sealed class EchoLog(TextWriter output, bool quiet)
{
    public void Line(string text) => output.WriteLine(text);

    public void Connected(EndPoint? client)
    {
        if (!quiet)
        {
            output.WriteLine($"Got connection from {client}");
        }
    }

    public void Closed(EndPoint? client, string how)
    {
        if (!quiet)
        {
            output.WriteLine($"Client {client} {how}");
        }
    }
}

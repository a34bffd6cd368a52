using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Threadwork.Workers;

namespace Threadwork.Cli.Countdown;

/// <summary>
/// Recipe 12.1's harder parts: stopping a worker blocked in a socket receive (the recipe's IOTask
/// polls with a 5 s timeout; here the stop ends the wait at once), and a fault that Join re-throws.
/// </summary>
internal static class StopAndFaultDemo
{
    /// <summary>Stops a worker blocked in a loopback socket receive and reports how long the stop took.</summary>
    public static async Task StopBlockedReaderAsync(TextWriter output, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, cancellationToken).ConfigureAwait(false);
        using var server = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);

        var reader = new Worker("io-task", ctx =>
        {
            var buffer = new byte[8192];
            ctx.SignalStarted();
            server.Receive(buffer, ctx.StopToken);
        })
        { SignalsStarted = true };
        reader.Start();
        await reader.Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine("io-task is blocked in a socket receive on 127.0.0.1 (no timeout, no polling)");

        var clock = Stopwatch.StartNew();
        reader.Stop();
        await reader.JoinAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Stop ended the receive: io-task finished {clock.Elapsed.TotalMilliseconds:0.0} ms after Stop (alive: {reader.IsAlive})");
    }

    /// <summary>Runs a worker whose body throws and shows that Join re-throws the same exception.</summary>
    public static void ShowFaultRethrown(TextWriter output)
    {
        var failing = new Worker("parser", _ => throw new FormatException("line 7 has 3 fields, expected 7"));
        failing.Start();
        try
        {
            failing.Join();
            output.WriteLine("Join returned without the fault: this is a bug");
        }
        catch (FormatException e)
        {
            output.WriteLine($"Join re-threw the worker's fault: {e.GetType().Name}: {e.Message}");
        }
    }
}

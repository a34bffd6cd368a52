using System.Globalization;
using System.Runtime.Versioning;
using Threadwork.Daemons;

namespace Threadwork.Cli.Daemon;

/// <summary>The recipe's daemon body: "Daemon started with pid N", then "Daemon Alive! &lt;time&gt;" every interval until SIGTERM or SIGINT.</summary>
[SupportedOSPlatform("linux")]
internal static class DaemonProgram
{
    public static async Task RunAsync(DaemonSession session, TimeSpan interval, CancellationToken cancellationToken)
    {
        // Console.Out is read on every line: SIGHUP re-opens the log and replaces it.
        session.Hangup += (_, _) =>
        {
            session.ReopenOutput();

            // The old writer holds a duplicate of the old log's descriptor; it is left for the GC, not disposed,
            // because the loop may be writing through it at this instant.
            Console.SetOut(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true });
            Console.Out.WriteLine("Daemon got SIGHUP: log re-opened");
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(session.Stopping, cancellationToken);
        Console.Out.WriteLine($"Daemon started with pid {session.ProcessId.ToString(CultureInfo.InvariantCulture)}");
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                Console.Out.WriteLine($"Daemon Alive! {DateTime.Now.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)}");
            }
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        Console.Out.WriteLine($"Daemon stopping ({session.StopSignal?.ToString() ?? "interrupted"}), pid file removed");
    }
}

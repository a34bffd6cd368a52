using Threadwork.Cli.CommandLine;
using Threadwork.Workers;

namespace Threadwork.Cli.Ticker;

/// <summary>Recipe 12.2, second example: two workers stepping together on one periodic ticker.</summary>
internal static class TickerDemo
{
    /// <summary>One worker prints "T-minus N" from <paramref name="from"/> down, the other "Counting N" up to <paramref name="countTo"/>, one step per tick each.</summary>
    public static async Task RunAsync(TimeSpan interval, int from, int countTo, TextWriter output, CancellationToken cancellationToken)
    {
        using var ticker = new PeriodicTicker(interval);
        var countdown = new Worker("ticker-countdown", ctx =>
        {
            for (var n = from; n > 0; n--)
            {
                ticker.WaitForTick(ctx.StopToken);
                output.WriteLine($"T-minus {n}");
            }
        });
        var countup = new Worker("ticker-countup", ctx =>
        {
            for (var n = 0; n < countTo; n++)
            {
                ticker.WaitForTick(ctx.StopToken);
                output.WriteLine($"Counting {n}");
            }
        });

        countdown.Start();
        countup.Start();
        try
        {
            await Task.WhenAll(countdown.JoinAsync(cancellationToken), countup.JoinAsync(cancellationToken)).ConfigureAwait(false);
            output.WriteLine($"{ticker.Ticks} ticks of {Durations.Format(interval)}");
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(countdown, countup).ConfigureAwait(false);
        }
    }
}

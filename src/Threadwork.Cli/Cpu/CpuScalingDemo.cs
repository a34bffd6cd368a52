using System.Diagnostics;
using Spectre.Console;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Cpu;

/// <summary>
/// Recipe 12.9's point, measured: the same CPU-bound work split over 1, 2, 4... threads. Python's GIL lets
/// one thread run Python code at a time, so the recipe sends such work to a process pool; .NET has no
/// GIL, so plain threads share it out over the cores.
/// </summary>
internal static class CpuScalingDemo
{
    /// <summary>Runs <paramref name="work"/> steps of arithmetic on each thread count and prints a table of time and speedup.</summary>
    public static async Task RunAsync(IReadOnlyList<int> threadCounts, long work, TextWriter output, CancellationToken cancellationToken)
    {
        // A one-thread run is the baseline every speedup is measured against.
        var counts = threadCounts.Contains(1) ? threadCounts : [1, .. threadCounts];
        var times = new Dictionary<int, TimeSpan>();
        var table = new Table()
            .AddColumn(new TableColumn("Threads").RightAligned())
            .AddColumn(new TableColumn("Steps each").RightAligned())
            .AddColumn(new TableColumn("Time").RightAligned())
            .AddColumn(new TableColumn("Speedup").RightAligned());
        foreach (var threads in counts)
        {
            var clock = Stopwatch.StartNew();
            var results = new ulong[threads];
            await StartingLine.RunTogetherAsync(threads, t => $"cpu {t + 1}", (t, context) =>
                results[t] = Spin(work / threads + (t < work % threads ? 1 : 0), (ulong)t + 1, context.StopToken), cancellationToken).ConfigureAwait(false);
            times[threads] = clock.Elapsed;
            var speedup = times[1] / times[threads];
            table.AddRow($"{threads}", $"{work / threads:N0}", $"{times[threads].TotalMilliseconds:N0} ms", $"{speedup:0.00}x");
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Write(table);
        var best = counts.MaxBy(c => times[1] / times[c]);
        var bestSpeedup = times[1] / times[best];
        output.WriteLine(best == 1 || bestSpeedup < 1.2
            ? $"{work:N0} steps of CPU-bound work, {Environment.ProcessorCount} cores: no speedup this time, so other programs held the cores during the run; on idle cores the time falls with each thread up to the number of cores."
            : $"{work:N0} steps of CPU-bound work: {bestSpeedup:0.00}x faster on {best} threads than on one, with {Environment.ProcessorCount} cores.");
        output.WriteLine("No GIL in .NET: threads run CPU-bound code on every core, so threads are enough here; Python needs a process pool for this.");
    }

    /// <summary>Pure arithmetic (xorshift) the JIT cannot fold away; checks for a stop every few million steps.</summary>
    private static ulong Spin(long steps, ulong seed, CancellationToken cancellationToken)
    {
        var x = seed * 0x9E3779B97F4A7C15UL;
        while (steps > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = Math.Min(steps, 1 << 22);
            for (var i = 0L; i < batch; i++)
            {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
            }

            steps -= batch;
        }

        return x;
    }
}

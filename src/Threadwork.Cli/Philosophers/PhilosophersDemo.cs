using Spectre.Console;
using Threadwork.Cli.CommandLine;
using Threadwork.Locks;

namespace Threadwork.Cli.Philosophers;

/// <summary>
/// Recipe 12.5's dining philosophers: each needs the forks on both sides and takes them with
/// <see cref="OrderedLock.AcquireAll(ReadOnlySpan{OrderedLock})"/>, so the last philosopher, whose right
/// fork ranks below the left one, takes them the other way round and the circle never closes.
/// </summary>
internal static class PhilosophersDemo
{
    /// <summary>Runs the dinner; returns false if two philosophers ever held one fork at once.</summary>
    public static async Task<bool> RunAsync(int count, int meals, bool quiet, TextWriter output, CancellationToken cancellationToken)
    {
        var forks = Enumerable.Range(1, count).Select(n => new OrderedLock($"fork {n}")).ToArray();
        var users = new int[count];
        var eaten = new int[count];
        var clashes = 0;
        var print = new Lock();
        await StartingLine.RunTogetherAsync(count, p => $"philosopher {p + 1}", (p, ctx) =>
        {
            var left = forks[p];
            var right = forks[(p + 1) % count];
            for (var meal = 0; meal < meals; meal++)
            {
                using (OrderedLock.AcquireAll(ctx.StopToken, left, right))
                {
                    // Each fork records who holds it; finding someone else there means the locks failed.
                    if (Interlocked.Exchange(ref users[p], p + 1) != 0 | Interlocked.Exchange(ref users[(p + 1) % count], p + 1) != 0)
                    {
                        Interlocked.Increment(ref clashes);
                    }

                    eaten[p]++;
                    if (!quiet)
                    {
                        lock (print)
                        {
                            output.WriteLine($"philosopher {p + 1} eating");
                        }
                    }

                    Volatile.Write(ref users[(p + 1) % count], 0);
                    Volatile.Write(ref users[p], 0);
                }
            }
        }, cancellationToken).ConfigureAwait(false);

        var table = new Table().AddColumn("Philosopher").AddColumn(new TableColumn("Meals").RightAligned());
        for (var p = 0; p < count; p++)
        {
            table.AddRow($"{p + 1}", $"{eaten[p]}");
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Write(table);
        if (clashes > 0 || eaten.Any(e => e != meals))
        {
            output.WriteLine($"Something went wrong: {clashes} fork clashes, meals {string.Join(", ", eaten)}");
            return false;
        }

        output.WriteLine($"All {count} philosophers ate {meals} meals each");
        return true;
    }
}

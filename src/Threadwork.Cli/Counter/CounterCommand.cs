using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Counter;

/// <summary><c>threadwork counter</c>: recipe 12.4's SharedCounter.</summary>
internal static class CounterCommand
{
    public static Command Create()
    {
        var threads = Options.Int("--threads", 3, 1, "Threads changing the counter");
        var iterations = Options.Int("--iterations", 1_000_000, 0, "Increments (and then as many decrements) per thread");
        var command = new Command("counter", "Recipe 12.4: a locked counter ends at 0; an unlocked one loses updates")
        {
            threads, iterations,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => CounterDemo.RunAsync(parse.GetValue(threads), parse.GetValue(iterations), Console.Out, cancel), token));
        return command;
    }
}

using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.DeadlockDemo;

/// <summary><c>threadwork deadlock-demo</c>: the lock-order validator reports a deadlock before it can happen.</summary>
internal static class DeadlockDemoCommand
{
    public static Command Create()
    {
        var rounds = Options.Int("--rounds", 10_000, 1, "Rounds each thread runs in the ordered part");
        var command = new Command("deadlock-demo", "Recipe 12.5: two threads take two locks in opposite orders; the validator reports the cycle, then ordered acquire completes")
        {
            rounds,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => OppositeOrdersDemo.RunAsync(parse.GetValue(rounds), Console.Out, cancel), token));
        return command;
    }
}

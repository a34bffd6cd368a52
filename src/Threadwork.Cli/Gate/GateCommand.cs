using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Gate;

/// <summary><c>threadwork gate</c>: recipe 12.2's semaphore releasing workers one at a time.</summary>
internal static class GateCommand
{
    public static Command Create()
    {
        var workers = Options.Int("--workers", 10, 1, "How many workers wait at the gate");
        var interval = Options.Duration("--interval", TimeSpan.FromMilliseconds(500), "Time between releases", allowZero: true);
        var command = new Command("gate", "Recipe 12.2: workers held by a semaphore and released one at a time")
        {
            workers, interval,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => GateDemo.RunAsync(parse.GetValue(workers), parse.GetValue(interval), Console.Out, cancel), token));
        return command;
    }
}

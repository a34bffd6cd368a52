using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Countdown;

/// <summary><c>threadwork countdown</c>: recipes 12.1–12.2.</summary>
internal static class CountdownCommand
{
    public static Command Create()
    {
        var from = Options.Int("--from", 10, 0, "Number to count down from");
        var interval = Options.Duration("--interval", TimeSpan.FromSeconds(5), "Time between steps");
        var stopAfter = Options.OptionalDuration("--stop-after", "Stop the countdown after this long if it is still running");
        var command = new Command("countdown", "Recipes 12.1–12.2: a countdown on a worker thread, its started signal, and a clean stop")
        {
            from, interval, stopAfter,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => CountdownDemo.RunAsync(parse.GetValue(from), parse.GetValue(interval), parse.GetValue(stopAfter), Console.Out, cancel), token));
        return command;
    }
}

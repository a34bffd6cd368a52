using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Ticker;

/// <summary><c>threadwork ticker</c>: recipe 12.2's periodic timer shared by two workers.</summary>
internal static class TickerCommand
{
    public static Command Create()
    {
        var interval = Options.Duration("--interval", TimeSpan.FromSeconds(1), "Time between ticks");
        var from = Options.Int("--from", 10, 0, "The countdown worker counts down from this");
        var countTo = Options.Int("--count-to", 5, 0, "The count-up worker counts from 0 to below this");
        var command = new Command("ticker", "Recipe 12.2: two workers released together by one periodic ticker")
        {
            interval, from, countTo,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => TickerDemo.RunAsync(parse.GetValue(interval), parse.GetValue(from), parse.GetValue(countTo), Console.Out, cancel), token));
        return command;
    }
}

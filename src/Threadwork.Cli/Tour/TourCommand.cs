using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace Threadwork.Cli.Tour;

/// <summary><c>threadwork tour</c>: every recipe that has landed, live and brief, one after another.</summary>
internal static class TourCommand
{
    public static Command Create()
    {
        var fast = new Option<bool>("--fast") { Description = "Shortest intervals: the whole tour in a few seconds" };
        var command = new Command("tour", "Runs a short live demo of every recipe, each under its recipe's heading") { fast };
        command.SetAction(async (parse, token) => await RunAsync(parse.GetValue(fast), token).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> RunAsync(bool fast, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        var summary = new Table().AddColumns("Recipe", "Title", "Command", "Status");
        var failures = 0;
        foreach (var step in TourSteps.All)
        {
            if (step.Run is null)
            {
                summary.AddRow(step.Recipe, Markup.Escape(step.Title), "-", "[grey]planned[/]");
                continue;
            }

            console.Write(new Rule($"[bold]{step.Recipe} {Markup.Escape(step.Title)}[/]").LeftJustified());
            var clock = Stopwatch.StartNew();
            try
            {
                await step.Run(Console.Out, fast, cancellationToken).ConfigureAwait(false);
                summary.AddRow(step.Recipe, Markup.Escape(step.Title), $"threadwork {Markup.Escape(step.Command)}", $"[green]ok[/] {clock.Elapsed.TotalSeconds:0.00}s");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                console.MarkupLine("[yellow]Tour interrupted.[/]");
                return 130;
            }
#pragma warning disable CA1031 // One failing demo is reported and the tour goes on with the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                Console.Error.WriteLine($"tour: {step.Recipe} failed: {e}");
                summary.AddRow(step.Recipe, Markup.Escape(step.Title), $"threadwork {Markup.Escape(step.Command)}", "[red]failed[/]");
            }

            console.WriteLine();
        }

        console.Write(new Rule("[bold]Recipes[/]").LeftJustified());
        console.Write(summary);
        return failures == 0 ? 0 : 1;
    }
}

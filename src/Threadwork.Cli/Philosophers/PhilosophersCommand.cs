using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Philosophers;

/// <summary><c>threadwork philosophers</c>: recipe 12.5's dining philosophers, who never deadlock.</summary>
internal static class PhilosophersCommand
{
    public static Command Create()
    {
        var count = Options.Int("--count", 5, 2, "Philosophers at the table (and forks between them)");
        var meals = Options.Int("--meals", 1000, 0, "Meals each philosopher eats");
        var quiet = new Option<bool>("--quiet") { Description = "Print only the table of meals, not each meal" };
        var command = new Command("philosophers", "Recipe 12.5: dining philosophers take both forks in rank order, so they never deadlock")
        {
            count, meals, quiet,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => PhilosophersDemo.RunAsync(parse.GetValue(count), parse.GetValue(meals), parse.GetValue(quiet), Console.Out, cancel), token));
        return command;
    }
}

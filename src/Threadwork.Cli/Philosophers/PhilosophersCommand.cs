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
        command.SetAction(async (parse, token) =>
        {
            var correct = true;
            var exit = await Interrupts.RunAsync(
                async cancel => correct = await PhilosophersDemo.RunAsync(parse.GetValue(count), parse.GetValue(meals), parse.GetValue(quiet), Console.Out, cancel).ConfigureAwait(false),
                token).ConfigureAwait(false);
            return exit != 0 ? exit : correct ? 0 : 1;
        });
        return command;
    }
}

using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Actors;

/// <summary><c>threadwork actors</c>: recipe 12.10.</summary>
internal static class ActorsCommand
{
    public static Command Create()
    {
        var spawn = Options.Int("--spawn", 100_000, 0, "How many handler actors to start at the end, each sent one message");
        var command = new Command("actors", "Recipe 12.10: loop and handler actors, tagged messages, a worker actor, supervision and dead letters")
        {
            spawn,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => ActorsDemo.RunAsync(parse.GetValue(spawn), Console.Out, cancel), token));
        return command;
    }
}

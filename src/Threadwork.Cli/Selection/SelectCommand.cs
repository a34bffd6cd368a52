using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Selection;

/// <summary><c>threadwork select</c>: recipe 12.13.</summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var useAsync = new Option<bool>("--async") { Description = "Select with WaitAsync on the thread pool instead of a blocking Wait on a worker thread" };
        var command = new Command("select", "Recipe 12.13: one consumer waits on several queues, and on a queue and a socket, at once") { useAsync };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            async cancel =>
            {
                await SelectDemo.RunRecipeAsync(parse.GetValue(useAsync), Console.Out, cancel).ConfigureAwait(false);
                Console.Out.WriteLine();
                await SelectDemo.RunMixedAsync(parse.GetValue(useAsync), Console.Out, cancel).ConfigureAwait(false);
            },
            token));
        return command;
    }
}

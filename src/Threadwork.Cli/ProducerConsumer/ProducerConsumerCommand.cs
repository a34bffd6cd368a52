using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.ProducerConsumer;

/// <summary><c>threadwork producer-consumer</c>: recipe 12.3.</summary>
internal static class ProducerConsumerCommand
{
    public static Command Create()
    {
        var producers = Options.Int("--producers", 2, 1, "Producer threads");
        var consumers = Options.Int("--consumers", 2, 1, "Consumer threads");
        var items = Options.Int("--items", 10, 0, "Items to put, numbered from 1, shared among the producers");
        var interval = Options.Duration("--interval", TimeSpan.Zero, "Pause of each producer after each put", allowZero: true);
        var priority = new Option<bool>("--priority") { Description = "Show the priority queue instead: A, B, C, D come out in priority order, ties in put order" };
        var command = new Command("producer-consumer", "Recipe 12.3: producers and consumers on a WorkQueue that closes and joins")
        {
            producers, consumers, items, interval, priority,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => parse.GetValue(priority)
                ? ProducerConsumerDemo.RunPriorityAsync(Console.Out, cancel)
                : ProducerConsumerDemo.RunAsync(parse.GetValue(producers), parse.GetValue(consumers), parse.GetValue(items), parse.GetValue(interval), Console.Out, cancel),
            token));
        return command;
    }
}

using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.PubSub;

/// <summary><c>threadwork pubsub</c>: recipe 12.11; <c>pubsub publish|subscribe</c> take an exchange across processes over NATS.</summary>
internal static class PubSubCommand
{
    public static Command Create()
    {
        var messages = Options.Int("--messages", 20, 1, "Messages sent in the queued-delivery part while the slow subscriber is stuck");
        var backlog = Options.Int("--backlog", 3, 1, "Backlog capacity of the slow subscriber in the queued-delivery part");
        var command = new Command("pubsub", "Recipe 12.11: an exchange delivers to a snapshot of its subscribers; failures, patterns and queued delivery")
        {
            messages, backlog,
            NatsPubSubCommands.Publish(),
            NatsPubSubCommands.Subscribe(),
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => PubSubDemo.RunAsync(parse.GetValue(messages), parse.GetValue(backlog), Console.Out, cancel), token));
        return command;
    }
}

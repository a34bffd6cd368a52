using System.CommandLine;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Work;

/// <summary>
/// <c>threadwork work put|consume|join QUEUE</c>: a durable work queue on a NATS server (JetStream), shared by
/// processes and machines. One item is one line of UTF-8 text. At least once: an item a consumer took and
/// did not finish (it died, or was stopped) goes to another consumer after the queue's ack wait.
/// </summary>
internal static class WorkCommand
{
    public static Command Create() => new("work", "A durable work queue over NATS JetStream: put items, consume them (acknowledged after printing), join")
    {
        Put(),
        Consume(),
        Join(),
    };

    private static Command Put()
    {
        var queue = QueueArgument();
        var items = new Argument<string[]>("items") { Description = "The items; without any, each line of standard input is one", Arity = ArgumentArity.ZeroOrMore };
        var nats = new NatsOptions();
        var command = new Command("put", "Put items on QUEUE; each is stored by the server before the next is put") { queue, items };
        nats.AddTo(command);
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => WorkRun.PutAsync(parse.GetValue(queue)!, parse.GetValue(items) ?? [], nats, parse, cancel), token));
        return command;
    }

    private static Command Consume()
    {
        var queue = QueueArgument();
        var count = new Option<int?>("--count") { Description = "Exit after this many items (default: run until Ctrl-C)", HelpName = "n" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--count must be 1 or more.");
            }
        });
        var hold = Options.Duration("--hold", TimeSpan.Zero, "How long to keep each item after printing it, before acknowledging it (simulated work)", allowZero: true);
        var ackWait = Options.OptionalDuration("--ack-wait", "Set the queue's ack wait: how long an unacknowledged item stays with its consumer before it goes to another (default: the queue's, 30 s for a new one)");
        var nats = new NatsOptions();
        var command = new Command("consume", "Take items from QUEUE, print each on a line, then acknowledge it; ready once it says 'consuming' on stderr") { queue, count, hold, ackWait };
        nats.AddTo(command);
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => WorkRun.ConsumeAsync(parse.GetValue(queue)!, parse.GetValue(count), parse.GetValue(hold).Value, parse.GetValue(ackWait), nats, parse, cancel), token));
        return command;
    }

    private static Command Join()
    {
        var queue = QueueArgument();
        var timeout = Options.Duration("--timeout", TimeSpan.FromSeconds(30), "How long to wait for every item to be acknowledged");
        var nats = new NatsOptions();
        var command = new Command("join", "Wait until every item put on QUEUE has been acknowledged; exit 1 if some are left after --timeout") { queue, timeout };
        nats.AddTo(command);
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => WorkRun.JoinAsync(parse.GetValue(queue)!, parse.GetValue(timeout).Value, nats, parse, cancel), token));
        return command;
    }

    private static Argument<string> QueueArgument() =>
        new("queue") { Description = "The queue's name: letters, digits, '-' and '_' (the JetStream stream)" };
}

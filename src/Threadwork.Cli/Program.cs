using System.CommandLine;
using System.CommandLine.Parsing;
using Threadwork.Cli.Countdown;
using Threadwork.Cli.Counter;
using Threadwork.Cli.Daemon;
using Threadwork.Cli.DeadlockDemo;
using Threadwork.Cli.Gate;
using Threadwork.Cli.Philosophers;
using Threadwork.Cli.ProducerConsumer;
using Threadwork.Cli.Ticker;
using Threadwork.Cli.Tour;

var root = new RootCommand("threadwork: the Python Cookbook's concurrency recipes (chapter 12), done properly in .NET")
{
    TourCommand.Create(),
    CountdownCommand.Create(),
    TickerCommand.Create(),
    GateCommand.Create(),
    ProducerConsumerCommand.Create(),
    CounterCommand.Create(),
    PhilosophersCommand.Create(),
    DeadlockDemoCommand.Create(),
    DaemonCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // A usage error: say what was wrong, show the usage of the command it was for, exit 2.
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"threadwork: {error.Message}");
    }

    Console.Error.WriteLine();
    root.Parse([.. CommandPath(parse.CommandResult), "--help"]).Invoke(new InvocationConfiguration { Output = Console.Error });
    return 2;
}

return await parse.InvokeAsync().ConfigureAwait(false);

// The names from the root down to the command a usage error was about, so its help can be shown.
static IEnumerable<string> CommandPath(CommandResult command)
{
    var names = new Stack<string>();
    for (SymbolResult? result = command; result?.Parent is not null; result = result.Parent)
    {
        if (result is CommandResult { Command: var c })
        {
            names.Push(c.Name);
        }
    }

    return names;
}

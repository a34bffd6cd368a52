using System.CommandLine;
using System.CommandLine.Parsing;
using Threadwork.Cli.Actors;
using Threadwork.Cli.CommandLine;
using Threadwork.Cli.Coroutines;
using Threadwork.Cli.Countdown;
using Threadwork.Cli.Counter;
using Threadwork.Cli.Cpu;
using Threadwork.Cli.Daemon;
using Threadwork.Cli.DeadlockDemo;
using Threadwork.Cli.Echo;
using Threadwork.Cli.Gate;
using Threadwork.Cli.GenLogs;
using Threadwork.Cli.Philosophers;
using Threadwork.Cli.ProducerConsumer;
using Threadwork.Cli.PubSub;
using Threadwork.Cli.Robots;
using Threadwork.Cli.Selection;
using Threadwork.Cli.Ticker;
using Threadwork.Cli.Tour;
using Threadwork.Cli.Work;
using Threadwork.Cli.WorkerMode;
using Threadwork.Pools;

// Started by a ProcessPool (robots --processes, the tour): run its jobs, nothing else.
if (ProcessPoolWorker.IsWorkerProcess)
{
    return await ProcessPoolWorker.RunAsync(CliWorkerJobs.Registry).ConfigureAwait(false);
}

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
    EchoCommand.Create(),
    CoroutinesCommand.Create(),
    SelectCommand.Create(),
    RobotsCommand.Create(),
    GenLogsCommand.Create(),
    CpuCommand.Create(),
    PubSubCommand.Create(),
    ActorsCommand.Create(),
    DaemonCommand.Create(),
    WorkCommand.Create(),
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

// Ctrl-C and SIGTERM cancel the command's token; a command still running this long afterwards is ended
// with 130/143. Longer than System.CommandLine's 2 s: an echo server closing thousands of connections
// needs it. Ours, not System.CommandLine's: they are installed before the command starts (see TerminationSignals).
using var signals = new TerminationSignals(TimeSpan.FromSeconds(10));
return await signals.RunAsync(token => parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, token)).ConfigureAwait(false);

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

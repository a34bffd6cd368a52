using Threadwork.Cli.Actors;
using Threadwork.Cli.Coroutines;
using Threadwork.Cli.Countdown;
using Threadwork.Cli.Counter;
using Threadwork.Cli.Cpu;
using Threadwork.Cli.Daemon;
using Threadwork.Cli.DeadlockDemo;
using Threadwork.Cli.Echo;
using Threadwork.Cli.Gate;
using Threadwork.Cli.Philosophers;
using Threadwork.Cli.ProducerConsumer;
using Threadwork.Cli.PubSub;
using Threadwork.Cli.Robots;
using Threadwork.Cli.Selection;
using Threadwork.Cli.Ticker;
using Threadwork.Cli.WorkerMode;

namespace Threadwork.Cli.Tour;

/// <summary>The fourteen recipes of the chapter, in order; each landed recipe adds its demo here.</summary>
internal static class TourSteps
{
    public static IReadOnlyList<TourStep> All { get; } =
    [
        new("12.1", "Starting and stopping threads", "countdown", async (output, fast, token) =>
        {
            await CountdownDemo.RunAsync(3, Pick(fast, 20, 100), stopAfter: null, output, token).ConfigureAwait(false);
            output.WriteLine();
            await CountdownDemo.RunAsync(10, Pick(fast, 20, 100), Pick(fast, 50, 250), output, token).ConfigureAwait(false);
            output.WriteLine();
            await StopAndFaultDemo.StopBlockedReaderAsync(output, token).ConfigureAwait(false);
            StopAndFaultDemo.ShowFaultRethrown(output);
        }),
        new("12.2", "Determining if a thread has started", "ticker, gate", async (output, fast, token) =>
        {
            await TickerDemo.RunAsync(Pick(fast, 20, 100), from: 3, countTo: 2, output, token).ConfigureAwait(false);
            output.WriteLine();
            await GateDemo.RunAsync(workers: 4, Pick(fast, 10, 100), output, token).ConfigureAwait(false);
        }),
        new("12.3", "Communicating between threads", "producer-consumer", async (output, fast, token) =>
        {
            await ProducerConsumerDemo.RunAsync(producers: 2, consumers: 2, items: 6, Pick(fast, 0, 20), output, token).ConfigureAwait(false);
            output.WriteLine();
            await ProducerConsumerDemo.RunPriorityAsync(output, token).ConfigureAwait(false);
            output.WriteLine();
            await ProducerConsumerDemo.RunRequestReplyAsync(output, token).ConfigureAwait(false);
        }),
        new("12.4", "Locking critical sections", "counter", async (output, fast, token) =>
        {
            if (!await CounterDemo.RunAsync(threads: 3, iterations: fast ? 100_000 : 1_000_000, output, token).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the locked counter did not end at 0");
            }

            await CounterDemo.RunExtrasAsync(fetchers: 10, limit: 5, Pick(fast, 5, 30), output, token).ConfigureAwait(false);
        }),
        new("12.5", "Locking with deadlock avoidance", "philosophers, deadlock-demo", async (output, fast, token) =>
        {
            if (!await PhilosophersDemo.RunAsync(count: 5, meals: 20, quiet: true, output, token).ConfigureAwait(false))
            {
                throw new InvalidOperationException("a philosopher did not eat every meal");
            }

            output.WriteLine();
            await OppositeOrdersDemo.RunAsync(rounds: fast ? 1_000 : 10_000, output, token).ConfigureAwait(false);
        }),
        new("12.6", "Storing thread-specific state", "echo serve, echo load", (output, fast, token) =>
            EchoDemo.RunLazyConnectionAsync(threads: fast ? 2 : 3, output, token)),
        new("12.7", "Creating a thread pool", "echo serve --mode pool|async", (output, _, token) =>
            EchoDemo.RunPoolAsync(output, token)),
        new("12.8", "Performing simple parallel programming", "robots, gen-logs", (output, fast, token) =>
            RobotsDemo.RunAsync(files: 4, lines: fast ? 5_000 : 50_000, output, token)),
        new("12.9", "Dealing with the GIL", "cpu, robots --processes", async (output, fast, token) =>
        {
            await CpuScalingDemo.RunAsync([1, 2], fast ? 20_000_000 : 200_000_000, output, token).ConfigureAwait(false);
            output.WriteLine();
            await ProcessPoolDemo.RunAsync(output, token).ConfigureAwait(false);
        }),
        new("12.10", "Defining an actor task", "actors", (output, fast, token) =>
            ActorsDemo.RunAsync(spawn: fast ? 10_000 : 100_000, output, token)),
        new("12.11", "Implementing publish/subscribe messaging", "pubsub", async (output, fast, token) =>
        {
            if (!await PubSubDemo.RunAsync(messages: fast ? 10 : 20, backlog: 3, output, token).ConfigureAwait(false))
            {
                throw new InvalidOperationException("a subscriber did not receive what it should have");
            }
        }),
        new("12.12", "Using generators as an alternative to threads", "coroutines, coroutines echo", (output, fast, token) =>
        {
            GeneratorDemos.RunTaskScheduler(output, token);
            output.WriteLine();
            if (!GeneratorDemos.RunActors(from: fast ? 3 : 10, output, token))
            {
                throw new InvalidOperationException("the printer actor did not get every number once, in order");
            }

            output.WriteLine();
            EchoTourDemo.Run(output, token);
            return Task.CompletedTask;
        }),
        new("12.13", "Polling multiple thread queues", "select", async (output, fast, token) =>
        {
            await SelectDemo.RunRecipeAsync(useAsync: false, output, token).ConfigureAwait(false);
            output.WriteLine();
            await SelectDemo.RunMixedAsync(useAsync: fast, output, token).ConfigureAwait(false);
        }),
        new("12.14", "Launching a daemon process on Unix", "daemon", async (output, fast, token) =>
        {
            if (!OperatingSystem.IsLinux())
            {
                output.WriteLine("(the daemon needs Linux: setsid and flock)");
                return;
            }

            await DaemonDemo.RunAsync(Pick(fast, 50, 200), output, token).ConfigureAwait(false);
        }),
    ];

    private static TimeSpan Pick(bool fast, int fastMilliseconds, int normalMilliseconds) =>
        TimeSpan.FromMilliseconds(fast ? fastMilliseconds : normalMilliseconds);
}

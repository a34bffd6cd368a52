using System.Diagnostics;
using System.Globalization;
using Threadwork.Actors;

namespace Threadwork.Cli.Actors;

/// <summary>Recipe 12.10: the recipe's print, tagged and worker actors, then what the recipe leaves out.</summary>
internal static class ActorsDemo
{
    /// <summary>Runs the demos in order; each actor is joined before the next starts, so the lines are always the same.</summary>
    public static async Task RunAsync(int spawn, TextWriter output, CancellationToken cancellationToken)
    {
        var deadLetters = new DeadLetters(letter =>
            output.WriteLine($"Dead letter: \"{letter.Message}\" was sent to '{letter.ActorName}' after Close; the hook got it and counted it, nothing is dropped in silence"));
        var options = new ActorOptions { DeadLetters = deadLetters };

        // The recipe's PrintActor: a loop on its own thread; Close ends Receive, no ActorExit sentinel.
        var printer = Actor.StartLoop<string>(inbox =>
        {
            while (inbox.Receive(out var message))
            {
                output.WriteLine($"Got: {message}");
            }
        }, "printer", options);
        printer.Send("Hello", cancellationToken);
        printer.Send("World", cancellationToken);
        printer.Close();
        printer.Join(cancellationToken);

        // The recipe's TaggedActor: records are the tags, a switch is the dispatch.
        var tagged = Actor.Start<Tagged>(message => output.WriteLine(message switch
        {
            A(var x) => $"Running A {x}",
            B(var x, var y) => $"Running B {x} {y}",
            _ => throw new ArgumentException($"no case for {message}", nameof(message)),
        }), "tagged", options);
        tagged.Send(new A(1), cancellationToken);
        tagged.Send(new B(2, 3), cancellationToken);
        tagged.Close();
        tagged.Join(cancellationToken);

        // The recipe's Worker: Submit returns the result (a task, not a hand-made Result/Event pair).
        var worker = Actor.StartWorker("worker");
        output.WriteLine(await worker.Submit(() => Power(2, 3)).WaitAsync(cancellationToken).ConfigureAwait(false));
        worker.Close();
        worker.Join(Timeout.InfiniteTimeSpan, cancellationToken);

        await ShowRestartAsync(output, cancellationToken).ConfigureAwait(false);

        printer.Send("late", cancellationToken);
        output.WriteLine($"Dead letters counted: {deadLetters.Count}");

        if (spawn > 0)
        {
            ShowSpawn(spawn, output, cancellationToken);
        }
    }

    private static int Power(int x, int n) => n == 0 ? 1 : x * Power(x, n - 1);

    private static async Task ShowRestartAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var summer = Actor.Start<SumMessage>(() =>
        {
            var total = 0;
            return message =>
            {
                switch (message)
                {
                    case AddText(var text):
                        total += int.Parse(text, CultureInfo.InvariantCulture);
                        break;
                    case GetTotal(var reply):
                        reply.Complete(total);
                        break;
                }
            };
        }, "summer", new ActorOptions { Supervision = SupervisionPolicy.Restart(maxRestarts: 3, within: TimeSpan.FromSeconds(10)) });
        summer.Send(new AddText("5"), cancellationToken);
        summer.Send(new AddText("x"), cancellationToken);
        summer.Send(new AddText("7"), cancellationToken);
        var total = await summer.Ask<int>(r => new GetTotal(r), TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Restart: 'summer' threw FormatException on \"x\"; supervision restarted it with fresh state (the 5 is gone) and kept its mailbox, so \"7\" was still handled: total {total}, restarts {summer.RestartCount}");
        summer.Close();
        summer.Join(cancellationToken);
    }

    private static void ShowSpawn(int count, TextWriter output, CancellationToken cancellationToken)
    {
        using var allHandled = new CountdownEvent(count);
        var clock = Stopwatch.StartNew();
        var actors = new HandlerActor<int>[count];
        for (var i = 0; i < count; i++)
        {
            actors[i] = Actor.Start<int>(_ => allHandled.Signal());
        }

        foreach (var actor in actors)
        {
            actor.Send(1, cancellationToken);
        }

        allHandled.Wait(cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} handler actors started and each handled its one message in {clock.Elapsed.TotalMilliseconds:0} ms on {ThreadPool.ThreadCount} shared pool threads: idle actors cost memory, not threads"));
    }

    private abstract record Tagged;

    private sealed record A(int X) : Tagged;

    private sealed record B(int X, int Y) : Tagged;

    private abstract record SumMessage;

    private sealed record AddText(string Text) : SumMessage;

    private sealed record GetTotal(Reply<int> Reply) : SumMessage;
}

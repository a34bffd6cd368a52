using Threadwork.Coroutines;

namespace Threadwork.Cli.Coroutines;

/// <summary>Recipe 12.12's two schedulers: generators taking turns (TaskScheduler), and actors messaging each other (ActorScheduler).</summary>
internal static class GeneratorDemos
{
    /// <summary>
    /// countdown(10), countdown(5) and countup(15) taking turns on one thread: prints exactly the 32 lines
    /// the seed's TaskScheduler prints, in its order ("T-minus 10", "T-minus 5", "Counting up 0", …).
    /// </summary>
    public static void RunTaskScheduler(TextWriter output, CancellationToken cancellationToken)
    {
        var scheduler = new CoroutineScheduler { FaultReporter = CoroutineFaults.ToStandardError };
        scheduler.Spawn("countdown(10)", Countdown(10, output));
        scheduler.Spawn("countdown(5)", Countdown(5, output));
        scheduler.Spawn("countup(15)", Countup(15, output));
        scheduler.Run(cancellationToken);
    }

    /// <summary>
    /// The recipe's actors: "counter" sends "printer" n and itself n-1, down to 0; the printer prints
    /// "Got: n". Messages go through mailboxes, so the actors never call each other and never recurse.
    /// </summary>
    /// <returns>True when the printer got every number from <paramref name="from"/> down to 1, once and in order.</returns>
    public static bool RunActors(int from, TextWriter output, CancellationToken cancellationToken)
    {
        var scheduler = new CoroutineScheduler { FaultReporter = CoroutineFaults.ToStandardError };
        var expected = from;
        var inOrder = true;
        scheduler.Spawn("printer", self => Printer(self, output, n => inOrder &= n == expected--));
        scheduler.Spawn("counter", self => Counter(self, scheduler));
        scheduler.Send("counter", from);
        scheduler.Run(cancellationToken);
        return inOrder && expected == 0;
    }

    private static IEnumerable<Suspend> Countdown(int n, TextWriter output)
    {
        while (n > 0)
        {
            output.WriteLine($"T-minus {n}");
            yield return Suspend.Yield;
            n--;
        }

        output.WriteLine("Blastoff!");
    }

    private static IEnumerable<Suspend> Countup(int n, TextWriter output)
    {
        for (var x = 0; x < n; x++)
        {
            output.WriteLine($"Counting up {x}");
            yield return Suspend.Yield;
        }
    }

    private static IEnumerable<Suspend> Printer(Coroutine self, TextWriter output, Action<int> check)
    {
        while (true)
        {
            yield return Suspend.UntilMessage;
            while (self.TryTakeMessage(out var message))
            {
                output.WriteLine($"Got: {message}");
                check((int)message!);
            }
        }
    }

    private static IEnumerable<Suspend> Counter(Coroutine self, CoroutineScheduler scheduler)
    {
        while (true)
        {
            yield return Suspend.UntilMessage;
            while (self.TryTakeMessage(out var message))
            {
                var n = (int)message!;
                if (n == 0)
                {
                    yield break;
                }

                scheduler.Send("printer", n);
                self.Send(n - 1);
            }
        }
    }
}

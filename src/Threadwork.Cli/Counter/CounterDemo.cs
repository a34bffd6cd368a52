using Threadwork.Cli.CommandLine;
using Threadwork.Workers;

namespace Threadwork.Cli.Counter;

/// <summary>Recipe 12.4: what a lock protects, and what an unprotected counter loses.</summary>
internal static class CounterDemo
{
    /// <summary>
    /// On a locked counter, <paramref name="threads"/> workers each increment <paramref name="iterations"/>
    /// times, then decrement as often: it must end at 0. On a plain field they only increment, and the
    /// shortfall is the updates lost without a lock. Returns false if the locked counter is wrong.
    /// </summary>
    public static async Task<bool> RunAsync(int threads, int iterations, TextWriter output, CancellationToken cancellationToken)
    {
        var counter = new SharedCounter();
        await RunWorkersAsync("locked", threads, ctx =>
        {
            for (var i = 0; i < iterations && !ctx.IsStopRequested; i++)
            {
                counter.Increment();
            }

            for (var i = 0; i < iterations && !ctx.IsStopRequested; i++)
            {
                counter.Decrement();
            }
        }, cancellationToken).ConfigureAwait(false);

        var unsafeCounter = new UnsynchronisedCounter();
        await RunWorkersAsync("unlocked", threads, ctx =>
        {
            for (var i = 0; i < iterations && !ctx.IsStopRequested; i++)
            {
                unsafeCounter.Value++;
            }
        }, cancellationToken).ConfigureAwait(false);

        var expected = (long)threads * iterations;
        var lost = expected - unsafeCounter.Value;
        output.WriteLine($"Without a lock: {threads} threads x {iterations:N0} increments ended at {unsafeCounter.Value:N0} of {expected:N0}: "
            + (lost == 0 ? "no update lost this time, by luck" : $"{lost:N0} updates lost"));
        output.WriteLine($"SharedCounter: {threads} threads x {iterations:N0} increments then {iterations:N0} decrements, each under the lock");
        output.WriteLine($"SharedCounter final value: {counter.Value:N0}");
        if (counter.Value != 0)
        {
            output.WriteLine("The locked counter is wrong: this is a bug");
            return false;
        }

        output.WriteLine("Looks good!");
        return true;
    }

    /// <summary>Recipe 12.4's extras: a lock is re-entrant for its holder, and a semaphore bounds how many run at once.</summary>
    public static async Task RunExtrasAsync(int fetchers, int limit, TimeSpan fetchTime, TextWriter output, CancellationToken cancellationToken)
    {
        // C#'s lock statement (Monitor) is re-entrant, like Python's RLock: the holder may take it again.
        var gate = new object();
        var depth = 0;
        lock (gate)
        {
            lock (gate)
            {
                depth = 2;
            }
        }

        output.WriteLine($"Re-entrant lock: taken {depth} times by one thread without deadlock");

        using var slots = new SemaphoreSlim(limit);
        var running = 0;
        var mostAtOnce = 0;
        await RunWorkersAsync("fetch", fetchers, ctx =>
        {
            slots.Wait(ctx.StopToken);
            try
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref mostAtOnce, now);
                ctx.Sleep(fetchTime);
                Interlocked.Decrement(ref running);
            }
            finally
            {
                slots.Release();
            }
        }, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Semaphore({limit}): {fetchers} fetches, at most {mostAtOnce} at once");
    }

    private static Task RunWorkersAsync(string name, int count, Action<WorkerContext> body, CancellationToken cancellationToken) =>
        StartingLine.RunTogetherAsync(count, i => $"{name}-{i + 1}", (_, ctx) => body(ctx), cancellationToken);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>The counter the recipe warns about: a plain field, read-modified-written by many threads.</summary>
    private sealed class UnsynchronisedCounter
    {
        public long Value;
    }
}

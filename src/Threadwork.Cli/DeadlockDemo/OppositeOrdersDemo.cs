using System.Runtime.CompilerServices;
using Threadwork.Cli.CommandLine;
using Threadwork.Locks;
using Threadwork.Workers;

namespace Threadwork.Cli.DeadlockDemo;

/// <summary>
/// Recipe 12.5's two threads, which take x_lock and y_lock in opposite orders. With plain acquisitions
/// the lock-order validator reports the cycle (it only needs to see both orders once, not a real
/// deadlock); with <see cref="OrderedLock.AcquireAll(ReadOnlySpan{OrderedLock})"/> both threads run at
/// full speed and finish.
/// </summary>
internal static class OppositeOrdersDemo
{
    public static async Task RunAsync(int rounds, TextWriter output, CancellationToken cancellationToken)
    {
        var (wasEnabled, policy, reporter) = (LockOrderValidator.IsEnabled, LockOrderValidator.Policy, LockOrderValidator.Reporter);
        var reports = 0;
        LockOrderValidator.IsEnabled = true;
        LockOrderValidator.Policy = LockOrderViolationPolicy.Report;
        LockOrderValidator.Reporter = report =>
        {
            Interlocked.Increment(ref reports);
            output.WriteLine($"lock-order validator: {report.Message}");
        };
        try
        {
            output.WriteLine("1. Plain acquire in opposite orders, lock-order validator on (report mode)");
            await RunPlainAsync(output, cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref reports) == 0)
            {
                throw new InvalidOperationException("the validator did not report the cycle: this is a bug");
            }

            output.WriteLine("The cycle was reported before any deadlock; the threads ran one after the other, so nothing hung.");
            output.WriteLine();

            output.WriteLine($"2. OrderedLock.AcquireAll with the same opposite orders, both threads at once, {rounds:N0} rounds each");
            var before = Volatile.Read(ref reports);
            LockOrderValidator.Policy = LockOrderViolationPolicy.Throw;
            await RunOrderedAsync(rounds, output, cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref reports) != before)
            {
                throw new InvalidOperationException("the validator reported the ordered run: this is a bug");
            }

            output.WriteLine("Both threads finished: the locks were always taken x_lock first, and the validator found nothing.");
        }
        finally
        {
            (LockOrderValidator.IsEnabled, LockOrderValidator.Policy, LockOrderValidator.Reporter) = (wasEnabled, policy, reporter);
        }
    }

    private static async Task RunPlainAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var x = new OrderedLock("x_lock");
        var y = new OrderedLock("y_lock");
        using var firstDone = new ManualResetEventSlim();
        var first = new Worker("Thread-1", _ =>
        {
            TakeXThenY(x, y);
            output.WriteLine("Thread-1 took x_lock, then y_lock");
            firstDone.Set();
        });

        // Thread-2 starts only when Thread-1 has let go, so the deadlock the orders allow cannot happen here.
        var second = new Worker("Thread-2", ctx =>
        {
            firstDone.Wait(ctx.StopToken);
            TakeYThenX(x, y);
            output.WriteLine("Thread-2 took y_lock, then x_lock");
        });
        await RunBothAsync(first, second, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunOrderedAsync(int rounds, TextWriter output, CancellationToken cancellationToken)
    {
        var x = new OrderedLock("x_lock");
        var y = new OrderedLock("y_lock");
        var counts = new int[2];
        var first = new Worker("Thread-1", ctx =>
        {
            for (var i = 0; i < rounds; i++)
            {
                using (OrderedLock.AcquireAll(ctx.StopToken, x, y))
                {
                    counts[0]++;
                }
            }
        });
        var second = new Worker("Thread-2", ctx =>
        {
            for (var i = 0; i < rounds; i++)
            {
                using (OrderedLock.AcquireAll(ctx.StopToken, y, x))
                {
                    counts[1]++;
                }
            }
        });
        await RunBothAsync(first, second, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Thread-1: {counts[0]:N0} rounds of acquire(x_lock, y_lock); Thread-2: {counts[1]:N0} rounds of acquire(y_lock, x_lock)");
    }

    private static async Task RunBothAsync(Worker first, Worker second, CancellationToken cancellationToken)
    {
        first.Start();
        second.Start();
        try
        {
            await first.JoinAsync(cancellationToken).ConfigureAwait(false);
            await second.JoinAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await WorkerCleanup.StopAndWaitAsync(first, second).ConfigureAwait(false);
        }
    }

    // Not inlined, so that each code path shows by name in the validator's stack traces.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeXThenY(OrderedLock x, OrderedLock y)
    {
        using (x.Acquire())
        using (y.Acquire())
        {
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TakeYThenX(OrderedLock x, OrderedLock y)
    {
        using (y.Acquire())
        using (x.Acquire())
        {
        }
    }
}

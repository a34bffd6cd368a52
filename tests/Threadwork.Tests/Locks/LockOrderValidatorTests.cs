using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Threadwork.Locks;
using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Locks;

[Collection(LockValidatorGroup.Name)]
public class LockOrderValidatorTests : LockValidatorTestBase
{
    private readonly ConcurrentQueue<LockReport> _reports = new();

    public LockOrderValidatorTests()
    {
        LockOrderValidator.Reporter = _reports.Enqueue;
    }

    [Fact]
    public void Opposite_orders_on_two_threads_are_reported_once_naming_both_locks_both_threads_and_both_code_paths()
    {
        LockOrderValidator.IsEnabled = true;
        LockOrderValidator.Policy = LockOrderViolationPolicy.Report;
        var left = new OrderedLock("left fork");
        var right = new OrderedLock("right fork");

        // One after the other, so the real deadlock cannot happen: the validator sees it coming anyway.
        RunOn("first", () => LeftThenRight(left, right));
        Assert.Empty(_reports);
        RunOn("second", () => RightThenLeft(left, right));
        RunOn("second-again", () => RightThenLeft(left, right));

        var report = Assert.Single(_reports);
        Assert.Equal(LockReportKind.PotentialDeadlock, report.Kind);
        Assert.Equal(["right fork", "left fork", "right fork"], report.LockNames);
        Assert.Equal("second", report.ThreadName);
        Assert.Null(report.HolderThreadName);
        Assert.Contains("'right fork' -> 'left fork' -> 'right fork'", report.Message, StringComparison.Ordinal);
        Assert.Contains("thread 'first' took 'right fork' while holding 'left fork'", report.Message, StringComparison.Ordinal);
        Assert.Contains("thread 'second' took 'left fork' while holding 'right fork'", report.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(LeftThenRight), report.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(RightThenLeft), report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_three_lock_cycle_across_three_threads_is_thrown_before_any_thread_deadlocks()
    {
        LockOrderValidator.IsEnabled = true;
        var a = new OrderedLock("A");
        var b = new OrderedLock("B");
        var c = new OrderedLock("C");

        RunOn("t1", () => Nested(a, b));
        RunOn("t2", () => Nested(b, c));
        var closing = new Worker<PotentialDeadlockException>("t3", _ =>
            Assert.Throws<PotentialDeadlockException>(() => Nested(c, a)));
        closing.Start();
        var error = Finished(closing);

        var report = error.Report!;
        Assert.Equal(["C", "A", "B", "C"], report.LockNames);
        Assert.Equal("t3", report.ThreadName);
        Assert.Contains("'C' -> 'A' -> 'B' -> 'C'", error.Message, StringComparison.Ordinal);
        foreach (var edge in new[] { "thread 't1' took 'B' while holding 'A'", "thread 't2' took 'C' while holding 'B'", "thread 't3' took 'A' while holding 'C'" })
        {
            Assert.Contains(edge, error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(_reports);
        RunOn("checker", () =>
        {
            foreach (var free in new[] { a, b, c })
            {
                Assert.True(free.TryAcquire(TimeSpan.Zero, out var scope), $"{free.Name} was left held");
                scope.Dispose();
            }
        });
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void An_AcquireAll_that_would_close_a_cycle_throws_holding_none_of_its_locks(int count)
    {
        LockOrderValidator.IsEnabled = true;
        var locks = Enumerable.Range(0, count).Select(i => new OrderedLock($"L{i}")).ToArray();
        RunOn("backwards", () => Nested(locks[^1], locks[0]));
        var error = Assert.Throws<PotentialDeadlockException>(() => OrderedLock.AcquireAll(locks).Dispose());
        Assert.Contains($"'L{count - 1}' -> 'L0'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, HeldLocks.Current.Count);
        Assert.All(locks, l => Assert.False(l.IsHeldByCurrentThread));
    }

    [Fact]
    public void Consistent_orders_are_never_reported()
    {
        LockOrderValidator.IsEnabled = true;
        var a = new OrderedLock("A");
        var b = new OrderedLock("B");
        var c = new OrderedLock("C");
        RunOn("one", () => Nested(a, b));
        RunOn("two", () => Nested(b, c));
        RunOn("three", () => Nested(a, c));
        RunOn("four", () => OrderedLock.AcquireAll(c, b, a).Dispose());
        Assert.Empty(_reports);
    }

    [Fact]
    public void Orders_taken_while_the_validator_is_off_are_not_recorded()
    {
        var a = new OrderedLock("A");
        var b = new OrderedLock("B");
        Nested(a, b);
        LockOrderValidator.IsEnabled = true;
        Nested(b, a);
        Assert.Empty(_reports);
    }

    [Fact]
    public void Reset_forgets_every_recorded_order()
    {
        LockOrderValidator.IsEnabled = true;
        var a = new OrderedLock("A");
        var b = new OrderedLock("B");
        Nested(a, b);
        LockOrderValidator.Reset();
        LockOrderValidator.IsEnabled = true;
        LockOrderValidator.Reporter = _reports.Enqueue;
        Nested(b, a);
        Assert.Empty(_reports);
    }

    [Fact]
    public void A_long_wait_is_reported_naming_the_lock_the_waiter_and_the_holder()
    {
        LockOrderValidator.IsEnabled = true;
        LockOrderValidator.LongWaitLimit = TimeSpan.FromMilliseconds(50);
        using var reported = new ManualResetEventSlim();
        LockOrderValidator.Reporter = report =>
        {
            _reports.Enqueue(report);
            reported.Set();
        };
        var ledger = new OrderedLock("ledger");
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Worker("holder", _ =>
        {
            using (ledger.Acquire())
            {
                held.Set();
                release.Wait(Wait.Bound);
            }
        });
        var waiter = new Worker("waiter", _ => ledger.Acquire().Dispose());
        holder.Start();
        try
        {
            Assert.True(held.Wait(Wait.Bound));
            waiter.Start();
            Assert.True(reported.Wait(Wait.Bound), "no long-wait report");
        }
        finally
        {
            release.Set();
            Assert.True(holder.Join(Wait.Bound));
            Assert.True(waiter.Join(Wait.Bound));
        }

        var report = Assert.Single(_reports);
        Assert.Equal(LockReportKind.LongWait, report.Kind);
        Assert.Equal(("waiter", "holder"), (report.ThreadName, report.HolderThreadName));
        Assert.Equal(["ledger"], report.LockNames);
        Assert.Contains("thread 'waiter' has waited", report.Message, StringComparison.Ordinal);
        Assert.Contains("for lock 'ledger', held by thread 'holder'", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void THREADWORK_LOCKDEP_1_switches_the_validator_on()
    {
        var before = Environment.GetEnvironmentVariable("THREADWORK_LOCKDEP");
        try
        {
            Environment.SetEnvironmentVariable("THREADWORK_LOCKDEP", "1");
            LockOrderValidator.Reset();
            Assert.True(LockOrderValidator.IsEnabled);
            Environment.SetEnvironmentVariable("THREADWORK_LOCKDEP", null);
            LockOrderValidator.Reset();
            Assert.False(LockOrderValidator.IsEnabled);
        }
        finally
        {
            Environment.SetEnvironmentVariable("THREADWORK_LOCKDEP", before);
        }
    }

    [Fact]
    public void Defaults_and_bad_settings()
    {
        Assert.Equal(LockOrderViolationPolicy.Throw, LockOrderValidator.Policy);
        Assert.Equal(TimeSpan.FromSeconds(5), LockOrderValidator.LongWaitLimit);
        Assert.Throws<ArgumentOutOfRangeException>(() => LockOrderValidator.LongWaitLimit = TimeSpan.Zero);
        Assert.Throws<ArgumentNullException>(() => LockOrderValidator.Reporter = null!);
        LockOrderValidator.LongWaitLimit = Timeout.InfiniteTimeSpan;
        Assert.Equal(Timeout.InfiniteTimeSpan, LockOrderValidator.LongWaitLimit);
    }

    private static void RunOn(string threadName, Action body)
    {
        var worker = new Worker(threadName, _ => body());
        worker.Start();
        Assert.True(worker.Join(Wait.Bound), $"{threadName} did not finish");
    }

    private static void Nested(OrderedLock outer, OrderedLock inner)
    {
        using (outer.Acquire())
        using (inner.Acquire())
        {
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeftThenRight(OrderedLock left, OrderedLock right) => Nested(left, right);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RightThenLeft(OrderedLock left, OrderedLock right) => Nested(right, left);
}

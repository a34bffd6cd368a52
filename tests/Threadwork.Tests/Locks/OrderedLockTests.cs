using Threadwork.Locks;
using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Locks;

[Collection(LockValidatorGroup.Name)]
public class OrderedLockTests : LockValidatorTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_orders_of_5_locks_from_8_threads_never_deadlock_and_every_counter_is_exact(bool validator)
    {
        const int Threads = 8;
        const int AcquisitionsPerThread = 100_000 / Threads;
        LockOrderValidator.IsEnabled = validator;
        var locks = Enumerable.Range(0, 5).Select(i => new OrderedLock($"lock-{i}")).ToArray();
        var counters = new long[locks.Length];
        var expected = new long[Threads, locks.Length];
        var acquisitions = new int[Threads];
        using var go = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, Threads).Select(t => new Worker($"shuffler-{t}", ctx =>
        {
            var random = new Random(t);
            var order = (int[])[0, 1, 2, 3, 4];
            go.Wait(ctx.StopToken);
            for (var n = 0; n < AcquisitionsPerThread; n++)
            {
                random.Shuffle(order);
                var count = random.Next(1, order.Length + 1);
                var named = order.Take(count).Select(i => locks[i]).ToArray();
                using (OrderedLock.AcquireAll(named))
                {
                    foreach (var i in order.AsSpan(0, count))
                    {
                        // A plain read-modify-write: only the lock keeps it exact.
                        var seen = counters[i];
                        counters[i] = seen + 1;
                        expected[t, i]++;
                    }

                    acquisitions[t]++;
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        go.Set();
        foreach (var worker in workers)
        {
            Assert.True(worker.Join(Wait.Bound), $"{worker.Name} did not finish: deadlock?");
        }

        for (var i = 0; i < locks.Length; i++)
        {
            var sum = Enumerable.Range(0, Threads).Sum(t => expected[t, i]);
            Assert.Equal(sum, counters[i]);
        }

        Assert.Equal(100_000, acquisitions.Sum());
    }

    [Fact]
    public void AcquireAll_takes_the_locks_in_rank_order_whatever_order_they_are_named_in()
    {
        var low = new OrderedLock("low", 1);
        var middle = new OrderedLock("middle", 2);
        var high = new OrderedLock("high", 3);
        using (OrderedLock.AcquireAll(high, low, middle))
        {
            var held = HeldLocks.Current;
            Assert.Equal([low, middle, high], Enumerable.Range(0, held.Count).Select(i => held[i]));
        }

        using (OrderedLock.AcquireAll(high, low))
        {
            Assert.Equal(low, HeldLocks.Current[0]);
            Assert.Equal(high, HeldLocks.Current[1]);
        }

        Assert.Equal(0, HeldLocks.Current.Count);
        Assert.False(low.IsHeldByCurrentThread || middle.IsHeldByCurrentThread || high.IsHeldByCurrentThread);
    }

    [Fact]
    public void Asking_for_a_lower_lock_while_holding_a_higher_one_throws_at_once_naming_both_locks_and_the_thread()
    {
        var accounts = new OrderedLock("accounts");
        var audit = new OrderedLock("audit");
        var worker = new Worker<LockOrderException>("teller-1", _ =>
        {
            using (audit.Acquire())
            {
                return Assert.Throws<LockOrderException>(() => OrderedLock.AcquireAll(accounts).Dispose());
            }
        });
        worker.Start();
        var error = Finished(worker);
        Assert.Contains("'teller-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds 'audit'", error.Message, StringComparison.Ordinal);
        Assert.Contains("asked for 'accounts'", error.Message, StringComparison.Ordinal);
        Assert.Equal(("audit", "accounts", "teller-1"), (error.HeldLockName, error.RequestedLockName, error.ThreadName));
        Assert.False(accounts.IsHeldByCurrentThread);
    }

    [Fact]
    public void Locks_of_equal_rank_cannot_be_held_together()
    {
        var x = new OrderedLock("x", 10);
        var y = new OrderedLock("y", 10);
        var both = Assert.Throws<ArgumentException>(() => OrderedLock.AcquireAll(x, y).Dispose());
        Assert.Contains("'x' and 'y' have the same rank (10)", both.Message, StringComparison.Ordinal);
        using (OrderedLock.AcquireAll(x))
        {
            var error = Assert.Throws<LockOrderException>(() => OrderedLock.AcquireAll(y).Dispose());
            Assert.Contains("holds 'x' (rank 10) and asked for 'y' (rank 10)", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Taking_a_held_lock_again_throws_instead_of_re_entering()
    {
        var gate = new OrderedLock("gate");
        using (gate.Acquire())
        {
            var plain = Assert.Throws<LockOrderException>(() => gate.Acquire().Dispose());
            Assert.Contains("already holds 'gate'", plain.Message, StringComparison.Ordinal);
            Assert.Throws<LockOrderException>(() => OrderedLock.AcquireAll(gate).Dispose());
        }

        Assert.False(gate.IsHeldByCurrentThread);
    }

    [Fact]
    public void Plain_acquire_may_nest_in_any_order()
    {
        var first = new OrderedLock("first");
        var second = new OrderedLock("second");
        using (second.Acquire())
        using (first.Acquire())
        {
            Assert.True(first.IsHeldByCurrentThread && second.IsHeldByCurrentThread);
        }

        Assert.Equal(0, HeldLocks.Current.Count);
    }

    [Fact]
    public void A_timed_out_AcquireAll_holds_none_of_its_locks()
    {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        var c = new OrderedLock("c");
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Worker("holder", _ =>
        {
            using (c.Acquire())
            {
                held.Set();
                release.Wait(Wait.Bound);
            }
        });
        holder.Start();
        try
        {
            Assert.True(held.Wait(Wait.Bound));
            Assert.False(OrderedLock.TryAcquireAll(TimeSpan.FromMilliseconds(50), out var scope, c, b, a));
            scope.Dispose();
            Assert.Equal(0, HeldLocks.Current.Count);
            Assert.False(a.IsHeldByCurrentThread || b.IsHeldByCurrentThread);
            AssertFreeFromAnotherThread(a, b);
        }
        finally
        {
            release.Set();
            Assert.True(holder.Join(Wait.Bound));
        }
    }

    [Fact]
    public void A_cancelled_AcquireAll_holds_none_of_its_locks()
    {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Worker("holder", _ =>
        {
            using (b.Acquire())
            {
                held.Set();
                release.Wait(Wait.Bound);
            }
        });
        holder.Start();
        try
        {
            Assert.True(held.Wait(Wait.Bound));
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            Assert.ThrowsAny<OperationCanceledException>(() => OrderedLock.AcquireAll(cancel.Token, b, a).Dispose());
            Assert.Equal(0, HeldLocks.Current.Count);
            AssertFreeFromAnotherThread(a);
        }
        finally
        {
            release.Set();
            Assert.True(holder.Join(Wait.Bound));
        }
    }

    [Fact]
    public void An_AcquireAll_interrupted_while_waiting_for_its_second_lock_gives_the_first_back()
    {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        Exception? seen = null;
        var waiter = new Thread(() =>
        {
            try
            {
                OrderedLock.AcquireAll(b, a).Dispose();
            }
            catch (ThreadInterruptedException e)
            {
                seen = e;
            }
        });
        using (b.Acquire())
        {
            waiter.Start();
            Wait.Until(() => b.HasWaiters, "the waiter, holding a, waits for b");
            waiter.Interrupt();
            Assert.True(waiter.Join(Wait.Bound));
        }

        Assert.IsType<ThreadInterruptedException>(seen);
        AssertFreeFromAnotherThread(a, b);
    }

    [Fact]
    public void A_copy_of_a_scope_disposed_after_the_original_throws_and_releases_nothing_twice()
    {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        var scope = OrderedLock.AcquireAll(a, b);
        var copy = scope;
        scope.Dispose();
        using (b.Acquire())
        {
            InvalidOperationException? error = null;
            try
            {
                copy.Dispose();
            }
            catch (InvalidOperationException e)
            {
                error = e;
            }

            Assert.NotNull(error);
            Assert.Contains("Locks 'a' and 'b' are not held by", error.Message, StringComparison.Ordinal);

            // b, taken again since, is still held: the copy released nothing.
            Assert.True(b.IsHeldByCurrentThread);
            Assert.False(FreeFromAnotherThread(b));
        }

        AssertFreeFromAnotherThread(a, b);
    }

    [Fact]
    public void TryAcquire_gets_a_free_lock_and_times_out_on_a_held_one()
    {
        var gate = new OrderedLock("gate");
        Assert.True(gate.TryAcquire(TimeSpan.Zero, out var scope));
        var other = new Worker<bool>("other", _ =>
        {
            var got = gate.TryAcquire(TimeSpan.FromMilliseconds(20), out var theirs);
            theirs.Dispose();
            return got;
        });
        other.Start();
        Assert.False(Finished(other));
        scope.Dispose();
        AssertFreeFromAnotherThread(gate);
    }

    [Fact]
    public void Bad_arguments_are_refused_before_anything_is_taken()
    {
        var a = new OrderedLock("a");
        Assert.Throws<ArgumentException>(() => OrderedLock.AcquireAll().Dispose());
        Assert.Throws<ArgumentException>(() => OrderedLock.AcquireAll(a, null!).Dispose());
        Assert.Contains("'a' is named twice", Assert.Throws<ArgumentException>(() => OrderedLock.AcquireAll(a, a).Dispose()).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.TryAcquire(TimeSpan.FromSeconds(-2), out _));
        Assert.Throws<ArgumentException>(() => new OrderedLock(" "));
        Assert.Equal(0, HeldLocks.Current.Count);
    }

    [Fact]
    public void Automatic_ranks_rise_in_creation_order()
    {
        var first = new OrderedLock("first");
        var second = new OrderedLock("second");
        Assert.True(first.Rank < second.Rank);
        Assert.Equal($"second (rank {second.Rank})", second.ToString());
    }

    private static void AssertFreeFromAnotherThread(params OrderedLock[] locks) =>
        Assert.True(FreeFromAnotherThread(locks), "a lock of the set was still held");

    private static bool FreeFromAnotherThread(params OrderedLock[] locks)
    {
        var checker = new Worker<bool>("checker", _ => locks.All(l =>
        {
            var got = l.TryAcquire(TimeSpan.Zero, out var scope);
            scope.Dispose();
            return got;
        }));
        checker.Start();
        return Finished(checker);
    }
}

using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Workers;

public class PeriodicTickerTests
{
    [Fact]
    public void Each_tick_releases_every_waiting_thread_exactly_once()
    {
        const int threads = 6;
        const int ticks = 20;
        var clock = new ManualTimeProvider();
        using var ticker = new PeriodicTicker(TimeSpan.FromHours(1), clock);
        var seen = Enumerable.Range(0, threads).Select(_ => new List<long>()).ToArray();
        var wakeUps = 0;
        var waiters = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            for (var k = 0; k < ticks; k++)
            {
                ticker.WaitForTick();
                seen[i].Add(ticker.Ticks);
                Interlocked.Increment(ref wakeUps);
            }
        })).ToList();
        waiters.ForEach(t => t.Start());

        for (var k = 1; k <= ticks; k++)
        {
            // The next tick is fired only once every thread has taken the previous one and waits
            // again, so Ticks read after a wake-up is the tick that woke it.
            var previous = (k - 1) * threads;
            Wait.Until(() => Volatile.Read(ref wakeUps) == previous && ticker.WaitingCount == threads, $"{threads} threads wait for tick {k}");
            clock.Fire();
        }

        Assert.All(waiters, t => Assert.True(t.Join(Wait.Bound)));
        var expected = Enumerable.Range(1, ticks).Select(k => (long)k).ToList();
        Assert.All(seen, list => Assert.Equal(expected, list));
        Assert.Equal(ticks, ticker.Ticks);
    }

    [Fact]
    public void A_tick_nobody_waits_for_is_counted_and_releases_nobody_later()
    {
        var clock = new ManualTimeProvider();
        using var ticker = new PeriodicTicker(TimeSpan.FromHours(1), clock);
        clock.Fire();
        Assert.Equal(1, ticker.Ticks);
        Assert.False(ticker.WaitForTick(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void Waiting_times_out_or_is_cancelled()
    {
        using var ticker = new PeriodicTicker(TimeSpan.FromHours(1), new ManualTimeProvider());
        Assert.False(ticker.WaitForTick(TimeSpan.Zero));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => ticker.WaitForTick(cancel.Token));
        Assert.ThrowsAnyAsync<OperationCanceledException>(() => ticker.WaitForTickAsync(cancel.Token)).GetAwaiter().GetResult();
        Assert.Equal(0, ticker.WaitingCount);
    }

    [Fact]
    public void Dispose_wakes_waiters_with_ObjectDisposedException()
    {
        var ticker = new PeriodicTicker(TimeSpan.FromHours(1), new ManualTimeProvider());
        var blocked = new Worker("blocked", _ => ticker.WaitForTick());
        blocked.Start();
        var waiting = ticker.WaitForTickAsync();
        Wait.Until(() => ticker.WaitingCount == 2, "both callers wait");
        ticker.Dispose();
        Assert.Throws<ObjectDisposedException>(blocked.Join);
        Assert.ThrowsAsync<ObjectDisposedException>(() => waiting).GetAwaiter().GetResult();
        Assert.Throws<ObjectDisposedException>(() => ticker.WaitForTick());
        ticker.Dispose();
    }

    [Fact]
    public void The_system_clock_drives_real_ticks_for_sync_and_async_waiters()
    {
        using var ticker = new PeriodicTicker(TimeSpan.FromMilliseconds(5));
        Assert.True(ticker.WaitForTick(Wait.Bound));
        ticker.WaitForTickAsync().WaitAsync(Wait.Bound).GetAwaiter().GetResult();
        Assert.True(ticker.Ticks >= 2);
    }

    [Fact]
    public void A_non_positive_interval_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodicTicker(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PeriodicTicker(TimeSpan.FromSeconds(-1)));
    }
}

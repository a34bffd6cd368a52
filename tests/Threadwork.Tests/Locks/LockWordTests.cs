using Threadwork.Locks;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Locks;

public class LockWordTests
{
    [Fact]
    public void Four_threads_contending_for_one_word_lose_no_update()
    {
        const int Threads = 4;
        const int TakesPerThread = 50_000;
        var box = new WordBox();
        long counter = 0;
        var perThread = new int[Threads];
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            go.Wait();
            for (var n = 0; n < TakesPerThread; n++)
            {
                if (!box.Word.TryTakeNow())
                {
                    Assert.True(box.Word.TryTake(Timeout.InfiniteTimeSpan));
                }

                // A plain read-modify-write, sometimes with a yield inside, so that others spin and park.
                var seen = counter;
                if (n % 64 == 0)
                {
                    Thread.Yield();
                }

                counter = seen + 1;
                perThread[t]++;
                box.Word.Give();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(Wait.Bound), "a taker never finished: lost wake-up?");
        }

        Assert.Equal(Threads * TakesPerThread, counter);
        Assert.All(perThread, n => Assert.Equal(TakesPerThread, n));
        Assert.True(box.Word.TryTakeNow(), "the word was left taken");
    }

    [Fact]
    public void A_timed_take_of_a_held_word_gives_up_and_a_parked_taker_is_woken_by_give()
    {
        var box = new WordBox();
        Assert.True(box.Word.TryTakeNow());
        Assert.False(box.Word.TryTakeNow());
        Assert.False(box.Word.TryTake(TimeSpan.Zero));
        Assert.False(box.Word.TryTake(TimeSpan.FromMilliseconds(30)));

        var taken = false;
        var taker = new Thread(() => taken = box.Word.TryTake(Timeout.InfiniteTimeSpan));
        taker.Start();
        Wait.Until(() => box.Word.IsMarkedForWaiters, "the taker marks the word as waited for");
        box.Word.Give();
        Assert.True(taker.Join(Wait.Bound), "the parked taker was not woken");
        Assert.True(taken);
        Assert.False(box.Word.TryTakeNow());
        box.Word.Give();
        Assert.True(box.Word.TryTakeNow());
    }

    [Fact]
    public void An_interrupted_taker_gets_ThreadInterruptedException_and_does_not_take_the_word()
    {
        var box = new WordBox();
        Assert.True(box.Word.TryTakeNow());
        Exception? seen = null;
        var taker = new Thread(() =>
        {
            try
            {
                box.Word.TryTake(Timeout.InfiniteTimeSpan);
            }
            catch (ThreadInterruptedException e)
            {
                seen = e;
            }
        });
        taker.Start();
        Wait.Until(() => box.Word.IsMarkedForWaiters, "the taker marks the word as waited for");
        taker.Interrupt();
        Assert.True(taker.Join(Wait.Bound));
        Assert.IsType<ThreadInterruptedException>(seen);

        // Still held by this thread alone: giving it back frees it.
        Assert.False(box.Word.TryTakeNow());
        box.Word.Give();
        Assert.True(box.Word.TryTakeNow());
    }

    /// <summary>The word is a mutable struct: it must live in a field, never be copied.</summary>
    private sealed class WordBox
    {
        public LockWord Word;
    }
}

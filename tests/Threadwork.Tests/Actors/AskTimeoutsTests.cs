using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

/// <summary>Ask timeouts share one timer per duration: each unanswered ask still times out, each answered one does not.</summary>
public sealed class AskTimeoutsTests
{
    [Fact]
    public async Task Of_many_asks_with_one_duration_exactly_the_unanswered_ones_time_out()
    {
        const int Asks = 200;
        var timeout = TimeSpan.FromMilliseconds(300);
        var actor = Actor.Start<(int Number, Reply<int> Reply)>(m =>
        {
            if (m.Number % 2 == 0)
            {
                m.Reply.Complete(m.Number);
            }
        });

        var asks = Enumerable.Range(0, Asks).Select(i => actor.Ask<int>(r => (i, r), timeout)).ToArray();
        var answered = 0;
        var timedOut = 0;
        for (var i = 0; i < Asks; i++)
        {
            try
            {
                Assert.Equal(i, await asks[i]);
                answered++;
            }
            catch (TimeoutException)
            {
                Assert.Equal(1, i % 2);
                timedOut++;
            }
        }

        Assert.Equal((Asks / 2, Asks / 2), (answered, timedOut));
    }

    [Fact]
    public async Task An_ask_started_after_the_first_one_timed_out_still_times_out_on_its_own_deadline()
    {
        var timeout = TimeSpan.FromMilliseconds(120);
        var silent = Actor.Start<Reply<int>>(_ => { }, "silent");

        // The second ask is listed while the first one's deadline holds the shared timer, so it is timed
        // out only if the timer is set again for it after the first one fires.
        var first = silent.Ask<int>(r => r, timeout);
        await Assert.ThrowsAsync<TimeoutException>(() => first);
        var second = silent.Ask<int>(r => r, timeout);
        var third = silent.Ask<int>(r => r, timeout);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => second);
        await Assert.ThrowsAsync<TimeoutException>(() => third);
        Assert.Contains("'silent'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asks_with_more_durations_than_get_a_shared_timer_time_out_too()
    {
        var silent = Actor.Start<Reply<int>>(_ => { });
        var asks = Enumerable.Range(0, AskTimeouts.MaxDurations + 4)
            .Select(i => silent.Ask<int>(r => r, TimeSpan.FromMilliseconds(200 + i)))
            .ToArray();
        foreach (var ask in asks)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => ask);
        }
    }

    [Fact]
    public async Task An_answered_ask_is_not_timed_out_later()
    {
        // Long enough that a loaded machine still answers every ask in time (100 ms once did not, in a full run),
        // short enough that the silent ask below takes the test past every deadline quickly.
        var timeout = TimeSpan.FromSeconds(1);
        var echo = Actor.Start<Reply<int>>(r => r.Complete(5));
        var replies = new List<Reply<int>>();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(5, await echo.Ask<int>(
                r =>
                {
                    replies.Add(r);
                    return r;
                },
                timeout));
        }

        // Past every deadline: an answered reply stays answered (a late timeout would make Complete fail differently).
        var silent = Actor.Start<Reply<int>>(_ => { });
        await Assert.ThrowsAsync<TimeoutException>(() => silent.Ask<int>(r => r, timeout));
        Assert.All(replies, r => Assert.False(r.Complete(6)));
        Assert.All(replies, r => Assert.True(r.IsCompleted));
    }
}

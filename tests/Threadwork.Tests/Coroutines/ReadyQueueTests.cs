using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class ReadyQueueTests
{
    [Fact]
    public void A_round_is_everything_ready_when_it_starts_in_order_and_additions_during_it_wait_for_the_next()
    {
        var scheduler = new CoroutineScheduler();
        var coroutines = Enumerable.Range(0, 40).Select(i => scheduler.Spawn($"c{i}", Enumerable.Empty<Suspend>())).ToList();
        var ready = new ReadyQueue();

        // 40 is more than the first array holds, so the order must survive growing.
        coroutines.ForEach(ready.Enqueue);
        Assert.Equal(40, ready.Count);

        var round = ready.TakeRound(out var count);
        Assert.Equal(0, ready.Count);
        ready.Enqueue(coroutines[39]);
        ready.Enqueue(coroutines[0]);

        Assert.Equal(coroutines, round.Take(count).Select(slot => slot.Coroutine));
        ready.EndRound(round, count);
        Assert.All(round.Take(count), slot => Assert.Null(slot.Coroutine));

        var second = ready.TakeRound(out var secondCount);
        Assert.Equal([coroutines[39], coroutines[0]], second.Take(secondCount).Select(slot => slot.Coroutine));
        ready.EndRound(second, secondCount);
        Assert.Equal(0, ready.Count);
    }

    [Fact]
    public void Clear_empties_the_next_round_and_a_round_never_ended_does_not_stop_the_queue()
    {
        var scheduler = new CoroutineScheduler();
        var a = scheduler.Spawn("a", Enumerable.Empty<Suspend>());
        var b = scheduler.Spawn("b", Enumerable.Empty<Suspend>());
        var ready = new ReadyQueue();
        ready.Enqueue(a);
        _ = ready.TakeRound(out _);
        ready.Enqueue(b);

        ready.Clear();
        Assert.Equal(0, ready.Count);

        // The round above was abandoned (as when a run ends with an exception): the next one still works.
        ready.Enqueue(a);
        ready.Enqueue(b);
        var round = ready.TakeRound(out var count);
        Assert.Equal([a, b], round.Take(count).Select(slot => slot.Coroutine));
    }
}

using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class CoroutineTests
{
    [Fact]
    public void Messages_are_taken_oldest_first_and_null_is_a_message()
    {
        var scheduler = new CoroutineScheduler();
        var taken = new List<object?>();
        IEnumerable<Suspend> Body(Coroutine self)
        {
            yield return Suspend.UntilMessage;
            Assert.Equal(3, self.PendingMessages);
            while (self.TryTakeMessage(out var message))
            {
                taken.Add(message);
            }

            Assert.False(self.TryTakeMessage(out var none));
            Assert.Null(none);
        }

        var coroutine = scheduler.Spawn("inbox", self => Body(self));
        coroutine.Send("first");
        coroutine.Send(null);
        scheduler.Send("inbox", 3);
        scheduler.Run();

        Assert.Equal(["first", null, 3], taken);
        Assert.Equal(CoroutineState.Completed, coroutine.State);
        Assert.True(coroutine.IsFinished);
        Assert.Null(coroutine.Fault);
        Assert.Equal("coroutine 'inbox' (Completed)", coroutine.ToString());
    }

    [Fact]
    public void Sending_to_a_finished_coroutine_is_refused_by_name_and_state()
    {
        var scheduler = new CoroutineScheduler();
        var coroutine = scheduler.Spawn("done", Enumerable.Empty<Suspend>());
        Assert.Equal(CoroutineState.Pending, coroutine.State);
        scheduler.Run();

        var thrown = Assert.Throws<InvalidOperationException>(() => coroutine.Send("late"));
        Assert.Equal("Cannot send to coroutine 'done': it has finished (Completed).", thrown.Message);
        Assert.Throws<InvalidOperationException>(() => scheduler.Send("done", "late"));
    }

    [Fact]
    public void A_finished_name_can_be_spawned_again()
    {
        var scheduler = new CoroutineScheduler();
        var first = scheduler.Spawn("worker", Enumerable.Empty<Suspend>());
        scheduler.Run();
        var second = scheduler.Spawn("worker", Enumerable.Empty<Suspend>());
        scheduler.Run();

        Assert.NotSame(first, second);
        Assert.Equal(CoroutineState.Completed, second.State);
    }

    private static void FailCleanup() => throw new InvalidOperationException("cleanup failed");

    [Fact]
    public void A_finally_block_that_throws_while_a_coroutine_is_disposed_is_its_fault()
    {
        IEnumerable<Suspend> Body()
        {
            try
            {
                yield return Suspend.UntilMessage;
            }
            finally
            {
                FailCleanup();
            }
        }

        var scheduler = new CoroutineScheduler();
        var coroutine = scheduler.Spawn("stranded", Body());
        var thrown = Assert.Throws<CoroutineFaultedException>(() => scheduler.Run());

        Assert.Same(coroutine, Assert.Single(thrown.Faulted));
        Assert.Equal(CoroutineState.Faulted, coroutine.State);
        Assert.Equal("cleanup failed", coroutine.Fault!.Message);
    }
}

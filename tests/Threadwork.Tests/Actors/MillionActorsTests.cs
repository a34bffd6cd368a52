using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

public sealed class MillionActorsTests
{
    [Fact]
    public void A_million_handler_actors_each_handle_their_one_message_exactly_once()
    {
        const int Count = 1_000_000;
        var handledBy = new byte[Count];
        var handled = 0;
        using var allHandled = new ManualResetEventSlim();
        var threadsBefore = ThreadPool.ThreadCount;
        var actors = new HandlerActor<int>[Count];
        for (var i = 0; i < Count; i++)
        {
            actors[i] = Actor.Start<int>(id =>
            {
                handledBy[id]++;
                if (Interlocked.Increment(ref handled) == Count)
                {
                    allHandled.Set();
                }
            });
        }

        for (var i = 0; i < Count; i++)
        {
            actors[i].Send(i);
        }

        Assert.True(allHandled.Wait(Wait.Bound), $"only {Volatile.Read(ref handled)} of {Count} messages handled");
        Assert.Equal(Count, Volatile.Read(ref handled));
        Assert.DoesNotContain(handledBy, h => h != 1);

        // A million actors, yet no thread of their own: the pool grows by a handful at most.
        Assert.True(ThreadPool.ThreadCount < threadsBefore + 64, $"thread pool grew from {threadsBefore} to {ThreadPool.ThreadCount}");
        GC.KeepAlive(actors);
    }
}

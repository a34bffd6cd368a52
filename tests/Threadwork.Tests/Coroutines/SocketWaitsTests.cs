using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class SocketWaitsTests
{
    [Fact]
    public void Poll_resumes_only_the_coroutines_whose_sockets_are_ready_and_keeps_the_others()
    {
        using var quiet = SocketPair.Open();
        using var talking = SocketPair.Open();
        var scheduler = new CoroutineScheduler();
        var waitsQuiet = scheduler.Spawn("quiet", Enumerable.Empty<Suspend>());
        var waitsTalking = scheduler.Spawn("talking", Enumerable.Empty<Suspend>());
        var waitsToWrite = scheduler.Spawn("writer", Enumerable.Empty<Suspend>());
        var waits = new SocketWaits();
        Assert.True(waits.IsEmpty);
        Assert.Null(waits.TryAdd(quiet.Server, forWriting: false, waitsQuiet));
        Assert.Null(waits.TryAdd(talking.Server, forWriting: false, waitsTalking));
        Assert.Null(waits.TryAdd(quiet.Server, forWriting: true, waitsToWrite));
        Assert.Same(waitsQuiet, waits.TryAdd(quiet.Server, forWriting: false, waitsTalking));

        talking.Client.Send("x"u8);
        var resumed = new List<Coroutine>();
        Assert.False(waits.Poll(10_000_000, wake: null, resumed.Add));

        Assert.Equal([waitsTalking, waitsToWrite], resumed);
        Assert.False(waits.IsEmpty);

        quiet.Server.Dispose();
        resumed.Clear();
        waits.Poll(0, wake: null, resumed.Add);
        Assert.Equal([waitsQuiet], resumed);
        Assert.True(waits.IsEmpty);
    }
}

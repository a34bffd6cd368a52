using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class SuspendTests
{
    [Fact]
    public void Default_and_a_zero_sleep_are_the_plain_yield()
    {
        Assert.Equal(Suspend.Yield, default);
        Assert.Equal(Suspend.Yield, Suspend.For(TimeSpan.Zero));
        Assert.Equal("yield", Suspend.Yield.ToString());
    }

    [Fact]
    public void A_negative_sleep_is_refused_when_the_value_is_made()
    {
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => Suspend.For(TimeSpan.FromMilliseconds(-1)));
        Assert.Equal("duration", thrown.ParamName);
    }

    [Fact]
    public void Values_are_equal_when_they_wait_for_the_same_thing()
    {
        using var pair = SocketPair.Open();
        Assert.Equal(Suspend.For(TimeSpan.FromSeconds(1)), Suspend.For(TimeSpan.FromSeconds(1)));
        Assert.NotEqual(Suspend.For(TimeSpan.FromSeconds(1)), Suspend.For(TimeSpan.FromSeconds(2)));
        Assert.True(Suspend.UntilReadable(pair.Server) == Suspend.UntilReadable(pair.Server));
        Assert.True(Suspend.UntilReadable(pair.Server) != Suspend.UntilWritable(pair.Server));
        Assert.True(Suspend.UntilReadable(pair.Server) != Suspend.UntilReadable(pair.Client));
        Assert.Equal(Suspend.UntilMessage.GetHashCode(), Suspend.UntilMessage.GetHashCode());
    }

    [Fact]
    public void ToString_says_what_is_waited_for()
    {
        using var pair = SocketPair.Open();
        var scheduler = new CoroutineScheduler();
        var other = scheduler.Spawn("printer", Enumerable.Empty<Suspend>());
        Assert.Equal("sleep 00:00:01.5000000", Suspend.For(TimeSpan.FromSeconds(1.5)).ToString());
        Assert.Equal($"readable {pair.Server.LocalEndPoint}", Suspend.UntilReadable(pair.Server).ToString());
        Assert.Equal($"writable {pair.Client.LocalEndPoint}", Suspend.UntilWritable(pair.Client).ToString());
        Assert.Equal("message", Suspend.UntilMessage.ToString());
        Assert.Equal("completion of 'printer'", Suspend.UntilCompleted(other).ToString());
    }

    [Fact]
    public void Null_sockets_and_coroutines_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Suspend.UntilReadable(null!));
        Assert.Throws<ArgumentNullException>(() => Suspend.UntilWritable(null!));
        Assert.Throws<ArgumentNullException>(() => Suspend.UntilCompleted(null!));
    }
}

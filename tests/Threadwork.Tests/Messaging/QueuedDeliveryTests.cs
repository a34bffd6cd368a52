using Threadwork.Messaging;

namespace Threadwork.Tests.Messaging;

public class QueuedDeliveryTests
{
    [Fact]
    public void Keeps_its_settings_and_drops_oldest_by_default()
    {
        var settings = new QueuedDelivery(5);
        Assert.Equal(5, settings.Capacity);
        Assert.Equal(BacklogOverflow.DropOldest, settings.Overflow);
        Assert.Equal(BacklogOverflow.DropNewest, new QueuedDelivery(1, BacklogOverflow.DropNewest).Overflow);
    }

    [Fact]
    public void Refuses_a_capacity_below_one_and_an_unknown_policy()
    {
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new QueuedDelivery(0)).ParamName);
        Assert.Equal("overflow", Assert.Throws<ArgumentOutOfRangeException>(() => new QueuedDelivery(1, (BacklogOverflow)7)).ParamName);
    }
}

using Threadwork.Actors;

namespace Threadwork.Tests.Actors;

public sealed class DeadLettersTests
{
    [Fact]
    public void Each_post_is_counted_and_handed_to_the_hook()
    {
        var seen = new List<DeadLetter>();
        var office = new DeadLetters(seen.Add);
        office.Post("a", 1);
        office.Post("b", "two");
        Assert.Equal(2, office.Count);
        Assert.Equal([new DeadLetter("a", 1), new DeadLetter("b", "two")], seen);
    }

    [Fact]
    public void A_hook_that_throws_does_not_reach_the_sender_and_the_letter_is_still_counted()
    {
        var office = new DeadLetters(_ => throw new InvalidOperationException("log full"));
        office.Post("a", 1);
        Assert.Equal(1, office.Count);
    }
}

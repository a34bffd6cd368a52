using Threadwork.Messaging;

namespace Threadwork.Tests.Messaging;

public class SubjectPatternTests
{
    [Theory]
    [InlineData("orders.*", "orders.new", true)]
    [InlineData("orders.*", "orders", false)]
    [InlineData("orders.*", "orders.new.eu", false)]
    [InlineData("orders.*", "users.new", false)]
    [InlineData("*.new", "users.new", true)]
    [InlineData("*.*", "a.b", true)]
    [InlineData("orders.>", "orders.new", true)]
    [InlineData("orders.>", "orders.new.eu", true)]
    [InlineData("orders.>", "orders", false)]
    [InlineData(">", "anything.at.all", true)]
    [InlineData("orders.new", "orders.new", true)]
    [InlineData("orders.new", "orders.newer", false)]
    [InlineData("Orders.*", "orders.new", false)]
    public void Matches_as_nats_subjects_do(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, SubjectPattern.Parse(pattern, "pattern").Matches(name));
    }

    [Fact]
    public void Keeps_the_text_as_written()
    {
        Assert.Equal("orders.*", SubjectPattern.Parse("orders.*", "pattern").ToString());
    }

    [Fact]
    public void A_valid_name_passes_and_a_wildcard_inside_a_token_does_not()
    {
        SubjectPattern.ValidateName("orders.new.eu", "name");
        var error = Assert.Throws<ArgumentException>(() => SubjectPattern.ValidateName("orders.new*", "name"));
        Assert.Equal("The exchange name 'orders.new*' contains a wildcard ('*' or '>'); wildcards belong in patterns only. (Parameter 'name')", error.Message);
    }
}

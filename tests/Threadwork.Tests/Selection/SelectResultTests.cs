using Threadwork.Queues;
using Threadwork.Selection;

namespace Threadwork.Tests.Selection;

public class SelectResultTests
{
    [Fact]
    public void Only_an_item_outcome_gives_an_item()
    {
        var queue = new WorkQueue<string>("q");
        var taken = SelectResult<string>.Taken(2, queue, "x");
        Assert.True(taken.HasItem);
        Assert.True(taken.TryGetItem(out var item));
        Assert.Equal(("x", 2), (item, taken.Index));

        var closed = SelectResult<string>.ClosedQueue(2, queue, new InvalidOperationException("e"));
        Assert.False(closed.TryGetItem(out _));
        Assert.Equal((SelectOutcome.Closed, "e"), (closed.Outcome, closed.Error!.Message));
        Assert.Null(closed.Item);

        Assert.Equal((SelectOutcome.TimedOut, -1), (SelectResult<string>.TimedOut.Outcome, SelectResult<string>.TimedOut.Index));
        Assert.Equal(SelectOutcome.None, default(SelectResult<string>).Outcome);
    }

    [Fact]
    public void Results_compare_by_value_and_print_what_fired()
    {
        var queue = new WorkQueue<int>("q");
        Assert.Equal(SelectResult<int>.Taken(0, queue, 5), SelectResult<int>.Taken(0, queue, 5));
        Assert.NotEqual(SelectResult<int>.Taken(0, queue, 5), SelectResult<int>.Taken(1, queue, 5));
        Assert.Contains("Outcome = Item", SelectResult<int>.Taken(0, queue, 5).ToString(), StringComparison.Ordinal);
    }
}

using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class WaiterListTests
{
    [Fact]
    public void Dequeues_in_arrival_order_and_removes_from_the_middle()
    {
        var list = new WaiterList<string>();
        string[] names = ["a", "b", "c", "d", "e", "f"];
        foreach (var name in names)
        {
            list.Enqueue(name);
        }

        Assert.True(list.Remove("c"));
        Assert.False(list.Remove("zz"));
        Assert.True(list.TryDequeue(out var first));
        Assert.Equal("a", first);
        list.Enqueue("g");
        Assert.True(list.Remove("g"));

        var rest = new List<string>();
        while (list.TryDequeue(out var next))
        {
            rest.Add(next!);
        }

        Assert.Equal(["b", "d", "e", "f"], rest);
        Assert.Equal(0, list.Count);
    }
}

using Threadwork.Locks;

namespace Threadwork.Tests.Locks;

public class LockEdgesTests
{
    [Fact]
    public void Edges_of_an_older_generation_count_as_none()
    {
        var a = new OrderedLock("a");
        var b = new OrderedLock("b");
        var edges = LockEdges.Empty.With(3, new LockEdge(a, b, "t", "at here"));
        Assert.Single(edges.In(3));
        Assert.Empty(edges.In(4));
        var next = edges.With(4, new LockEdge(a, a, "t", "at there"));
        Assert.Single(next.In(4));
    }
}

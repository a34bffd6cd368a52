using Threadwork.Locks;

namespace Threadwork.Tests.Locks;

public class LockEdgeTests
{
    [Fact]
    public void Describe_names_both_locks_the_thread_and_where()
    {
        var edge = new LockEdge(new OrderedLock("held"), new OrderedLock("taken"), "worker-2", "   at Somewhere()");
        Assert.Equal(
            $"'held' -> 'taken': thread 'worker-2' took 'taken' while holding 'held', first at:{Environment.NewLine}   at Somewhere()",
            edge.Describe());
    }
}

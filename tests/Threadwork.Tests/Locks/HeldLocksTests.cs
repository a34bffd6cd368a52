using Threadwork.Locks;
using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Locks;

[Collection(LockValidatorGroup.Name)]
public class HeldLocksTests : LockValidatorTestBase
{
    [Fact]
    public void Each_thread_has_its_own_list_that_grows_and_shrinks_in_any_order()
    {
        var worker = new Worker<string>("lister", _ =>
        {
            var held = HeldLocks.Current;
            var locks = Enumerable.Range(0, 6).Select(i => new OrderedLock($"h{i}", 10 - i)).ToArray();
            foreach (var l in locks)
            {
                held.Push(l);
            }

            Assert.Equal(locks[0], held.Highest());
            held.Remove(locks[0]);
            held.Remove(locks[3]);
            Assert.Equal(locks[1], held.Highest());
            Assert.False(held.Contains(locks[3]));
            Assert.True(held.Contains(locks[5]));
            Assert.Equal(4, held.Count);
            return held.ThreadName;
        });
        worker.Start();
        Assert.Equal("lister", Finished(worker));
        Assert.Equal(0, HeldLocks.Current.Count);
        Assert.Null(HeldLocks.Current.Highest());
    }

    [Fact]
    public void An_unnamed_thread_is_named_by_its_id()
    {
        var thread = new Thread(() => { });
        Assert.Equal($"thread #{thread.ManagedThreadId}", HeldLocks.NameOf(thread));
    }
}

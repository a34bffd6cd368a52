using Threadwork.Locks;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Locks;

[Collection(LockValidatorGroup.Name)]
public class OrderedLockScopeTests : LockValidatorTestBase
{
    [Fact]
    public void Disposing_the_default_scope_does_nothing()
    {
        var scope = default(OrderedLockScope);
        scope.Dispose();
        Assert.Equal(0, HeldLocks.Current.Count);
    }

    [Fact]
    public void Disposing_twice_releases_once()
    {
        var gate = new OrderedLock("gate");
        var scope = gate.Acquire();
        scope.Dispose();
        scope.Dispose();
        Assert.False(gate.IsHeldByCurrentThread);
    }

    [Fact]
    public void A_scope_of_many_releases_every_lock_and_scopes_may_end_out_of_order()
    {
        var locks = Enumerable.Range(0, 4).Select(i => new OrderedLock($"l{i}")).ToArray();
        var inner = new OrderedLock("inner");
        var outer = OrderedLock.AcquireAll(locks[3], locks[1], locks[0], locks[2]);
        var later = inner.Acquire();
        outer.Dispose();
        Assert.All(locks, l => Assert.False(l.IsHeldByCurrentThread));
        Assert.True(inner.IsHeldByCurrentThread);
        Assert.Equal(inner, HeldLocks.Current[0]);
        later.Dispose();
        Assert.Equal(0, HeldLocks.Current.Count);
    }
}

using Threadwork.Locks;

namespace Threadwork.Tests.Locks;

public class LockOrderExceptionTests
{
    [Fact]
    public void The_standard_constructors_leave_the_names_empty()
    {
        Assert.Contains("rank order", new LockOrderException().Message, StringComparison.Ordinal);
        Assert.Equal("m", new LockOrderException("m").Message);
        var inner = new InvalidOperationException();
        Assert.Same(inner, new LockOrderException("m", inner).InnerException);
        Assert.Null(new LockOrderException("m").HeldLockName);
    }

    [Fact]
    public void An_order_violation_names_both_locks_with_ranks_and_the_thread()
    {
        var error = new LockOrderException(new OrderedLock("b", 2), new OrderedLock("a", 1), "t");
        Assert.Equal(
            "Lock order violation: thread 't' holds 'b' (rank 2) and asked for 'a' (rank 1). "
            + "Locks must be taken in rising rank order: take them together with OrderedLock.AcquireAll, or release 'b' first.",
            error.Message);
    }
}

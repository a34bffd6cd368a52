using Threadwork.Workers;

namespace Threadwork.Tests.Workers;

public class WorkerTests
{
    [Fact]
    public void Join_returns_after_the_body_ran()
    {
        var ran = 0;
        var worker = new Worker("w", _ => Interlocked.Increment(ref ran));
        worker.Start();
        worker.Join();
        Assert.Equal(1, ran);
        Assert.False(worker.IsAlive);
    }
}

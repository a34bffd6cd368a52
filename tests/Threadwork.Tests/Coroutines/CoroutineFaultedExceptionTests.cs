using Threadwork.Coroutines;

namespace Threadwork.Tests.Coroutines;

public class CoroutineFaultedExceptionTests
{
    [Fact]
    public void Several_faults_are_named_in_the_order_they_happened_and_the_first_is_the_inner_exception()
    {
        IEnumerable<Suspend> Failing(int steps, Exception fault)
        {
            for (var i = 0; i < steps; i++)
            {
                yield return Suspend.Yield;
            }

            throw fault;
        }

        var first = new TimeoutException("too slow");
        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("b", Failing(2, new FormatException("bad line")));
        scheduler.Spawn("a", Failing(1, first));
        var thrown = Assert.Throws<CoroutineFaultedException>(() => scheduler.Run());

        Assert.Equal(["a", "b"], thrown.Faulted.Select(c => c.Name));
        Assert.Same(first, thrown.InnerException);
        Assert.Equal(
            "2 coroutines failed: 'a' failed with TimeoutException: too slow, 'b' failed with FormatException: bad line; the others ran to their end.",
            thrown.Message);
    }

    [Fact]
    public void The_standard_constructors_keep_message_and_cause_and_have_no_coroutines()
    {
        var cause = new InvalidOperationException("cause");
        Assert.Empty(new CoroutineFaultedException().Faulted);
        Assert.Equal("custom", new CoroutineFaultedException("custom").Message);
        Assert.Same(cause, new CoroutineFaultedException("custom", cause).InnerException);
    }
}

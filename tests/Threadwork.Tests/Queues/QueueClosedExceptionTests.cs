using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class QueueClosedExceptionTests
{
    [Fact]
    public void Messages_say_which_queue_and_why()
    {
        var named = new WorkQueue<int>("inbox");
        named.Close(new TimeoutException("upstream gave up"));
        var e = Assert.Throws<QueueClosedException>(() => named.Get());
        Assert.Equal("inbox", e.QueueName);
        Assert.Equal("Queue 'inbox' was closed with an error and has no items left: upstream gave up", e.Message);
        Assert.IsType<TimeoutException>(e.InnerException);

        var anonymous = new WorkQueue<int>();
        anonymous.Close();
        var put = Assert.Throws<QueueClosedException>(() => anonymous.Put(1));
        Assert.Null(put.QueueName);
        Assert.Equal("The queue is closed; no more items can be put.", put.Message);
    }

    [Fact]
    public void Is_an_InvalidOperationException_with_the_usual_constructors()
    {
        Assert.IsAssignableFrom<InvalidOperationException>(new QueueClosedException());
        Assert.Equal("m", new QueueClosedException("m").Message);
        var inner = new InvalidOperationException();
        Assert.Same(inner, new QueueClosedException("m", inner).InnerException);
    }
}

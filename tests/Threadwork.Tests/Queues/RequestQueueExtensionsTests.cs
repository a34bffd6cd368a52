using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class RequestQueueExtensionsTests
{
    [Fact]
    public async Task AskAsync_returns_the_consumers_reply_and_Ask_its_failure_unwrapped()
    {
        var requests = new WorkQueue<Request<string, int>>("lengths");
        var consumer = Task.Run(() =>
        {
            foreach (var request in requests.Consume())
            {
                request.Handle(text => text.Length == 0 ? throw new ArgumentException("empty text") : text.Length);
                requests.TaskDone();
            }
        });

        Assert.Equal(5, await requests.AskAsync("hello"));
        Assert.Equal(3, requests.Ask("abc"));
        Assert.Equal("empty text", Assert.Throws<ArgumentException>(() => requests.Ask("")).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => requests.AskAsync(""));

        requests.Join();
        requests.Close();
        await consumer;
    }

    [Fact]
    public async Task Many_concurrent_askers_each_get_their_own_reply()
    {
        var requests = new WorkQueue<Request<int, int>>(16);
        var consumers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await foreach (var request in requests.ConsumeAsync())
            {
                request.Complete(request.Payload * 2);
            }
        })).ToList();

        var replies = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => requests.AskAsync(i)));

        Assert.Equal(Enumerable.Range(0, 2000).Select(i => i * 2), replies);
        requests.Close();
        await Task.WhenAll(consumers);
    }

    [Fact]
    public void Ask_times_out_when_nobody_answers_and_the_consumer_sees_the_request_cancelled()
    {
        var requests = new WorkQueue<Request<int, int>>();
        Assert.Throws<TimeoutException>(() => requests.Ask(1, TimeSpan.FromMilliseconds(20)));
        Assert.True(requests.TryGet(out var abandoned));
        Assert.True(abandoned.CancellationToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Asking_a_closed_queue_fails_clearly()
    {
        var requests = new WorkQueue<Request<int, int>>("closed");
        requests.Close();
        Assert.Throws<QueueClosedException>(() => requests.Ask(1));
        await Assert.ThrowsAsync<QueueClosedException>(() => requests.AskAsync(1));
    }
}

using System.Collections.Concurrent;
using System.Text;

namespace Threadwork.Nats.Tests;

/// <summary>The JetStream work queue: each item to one consumer, TaskDone acknowledges, unfinished items come back, Join waits.</summary>
public sealed class NatsWorkQueueTests(NatsServer server) : IClassFixture<NatsServer>
{
    [Fact]
    public async Task Two_consumers_on_two_links_handle_every_item_exactly_once_and_join_returns_after_the_last()
    {
        const int Count = 200;
        await using var producerLink = await Connect();
        await using var linkA = await Connect();
        await using var linkB = await Connect();
        var producer = await NatsWorkQueue.OpenAsync<int>(producerLink, "exactly-once");
        for (var i = 0; i < Count; i++)
        {
            await producer.PutAsync(i);
        }

        Assert.Equal(Count, await producer.CountUnfinishedAsync());
        var handled = new ConcurrentBag<int>();
        var taken = 0;
        async Task Consume(NatsLink link)
        {
            var queue = await NatsWorkQueue.OpenAsync<int>(link, "exactly-once");
            while (Interlocked.Increment(ref taken) <= Count)
            {
                var item = await queue.GetAsync();
                Assert.False(item.IsRedelivery);
                handled.Add(item.Value);
                await item.TaskDoneAsync();
            }
        }

        await Task.WhenAll(Consume(linkA), Consume(linkB)).WaitAsync(ThreadworkTool.Limit);
        await producer.JoinAsync().WaitAsync(ThreadworkTool.Limit);
        Assert.Equal(Enumerable.Range(0, Count), handled.Order());
        Assert.Equal(0, await producer.CountUnfinishedAsync());
    }

    [Fact]
    public async Task An_item_taken_and_not_done_goes_to_another_consumer_after_the_ack_wait()
    {
        await using var deadLink = await Connect();
        await using var liveLink = await Connect();
        var options = new NatsWorkQueueOptions { AckWait = TimeSpan.FromSeconds(1) };
        var dead = await NatsWorkQueue.OpenAsync<string>(deadLink, "redelivered", options);
        await dead.PutAsync("only");
        var abandoned = await dead.GetAsync().WaitAsync(ThreadworkTool.Limit);
        Assert.Equal(1, abandoned.DeliveryCount);

        // The consumer that took it dies without TaskDone.
        await deadLink.DisposeAsync();

        var live = await NatsWorkQueue.OpenAsync<string>(liveLink, "redelivered");
        var again = await live.TryGetAsync(ThreadworkTool.Limit);
        Assert.NotNull(again);
        Assert.Equal("only", again.Value);
        Assert.Equal(abandoned.Sequence, again.Sequence);
        Assert.True(again.IsRedelivery);
        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal(1, await live.CountUnfinishedAsync());
        await again.TaskDoneAsync();
        await live.JoinAsync().WaitAsync(ThreadworkTool.Limit);
    }

    [Fact]
    public async Task Join_waits_for_the_task_done_of_a_taken_item()
    {
        await using var link = await Connect();
        var queue = await NatsWorkQueue.OpenAsync<string>(link, "join-waits");
        await queue.PutAsync("work");
        var item = await queue.GetAsync().WaitAsync(ThreadworkTool.Limit);
        var join = queue.JoinAsync();

        // Taken is not done: the server still holds it.
        Assert.Equal(1, await queue.CountUnfinishedAsync());
        Assert.False(join.IsCompleted);
        await item.TaskDoneAsync();
        await join.WaitAsync(ThreadworkTool.Limit);
    }

    [Fact]
    public async Task Task_done_twice_is_an_error_naming_the_item()
    {
        await using var link = await Connect();
        var queue = await NatsWorkQueue.OpenAsync<string>(link, "done-twice");
        await queue.PutAsync("once");
        var item = await queue.GetAsync().WaitAsync(ThreadworkTool.Limit);
        await item.TaskDoneAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => item.TaskDoneAsync());
        Assert.Contains($"item {item.Sequence} of the queue 'done-twice' was already marked done", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_released_item_is_handed_out_again_at_once()
    {
        await using var link = await Connect();
        var queue = await NatsWorkQueue.OpenAsync<string>(link, "released", new NatsWorkQueueOptions { AckWait = TimeSpan.FromMinutes(1) });
        await queue.PutAsync("retry me");
        var first = await queue.GetAsync().WaitAsync(ThreadworkTool.Limit);
        await first.ReleaseAsync();
        var second = await queue.TryGetAsync(ThreadworkTool.Limit);
        Assert.NotNull(second);
        Assert.Equal(first.Sequence, second.Sequence);
        Assert.True(second.IsRedelivery);
        await second.TaskDoneAsync();
    }

    [Fact]
    public async Task An_item_that_is_not_valid_json_is_taken_off_the_queue_with_a_clear_error()
    {
        await using var link = await Connect();
        var queue = await NatsWorkQueue.OpenAsync<int>(link, "poisoned");
        var js = new NATS.Client.JetStream.NatsJSContext(link.Connection);
        await js.PublishAsync("threadwork.work.poisoned", Encoding.UTF8.GetBytes("not a number"));
        await queue.PutAsync(42);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => queue.GetAsync());
        Assert.Contains("An item of the queue 'poisoned'", error.Message, StringComparison.Ordinal);
        var good = await queue.GetAsync().WaitAsync(ThreadworkTool.Limit);
        Assert.Equal(42, good.Value);
        await good.TaskDoneAsync();
        await queue.JoinAsync().WaitAsync(ThreadworkTool.Limit);
    }

    [Theory]
    [InlineData("a.b", "'.'")]
    [InlineData("with space", "' '")]
    [InlineData("", "empty")]
    public async Task A_bad_queue_name_is_refused_saying_why(string name, string why)
    {
        await using var link = await Connect();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => NatsWorkQueue.OpenAsync<int>(link, name));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_jetstream_is_a_clear_error()
    {
        using var plain = NatsServer.WithoutJetStream();
        await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = plain.Url });
        var error = await Assert.ThrowsAsync<NatsConnectException>(() => NatsWorkQueue.OpenAsync<int>(link, "jobs"));
        Assert.Contains($"The NATS server at {plain.Url} has no JetStream", error.Message, StringComparison.Ordinal);
    }

    private Task<NatsLink> Connect() => NatsLink.ConnectAsync(new NatsLinkOptions { Server = server.Url });
}

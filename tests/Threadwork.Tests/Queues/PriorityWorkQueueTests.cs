using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class PriorityWorkQueueTests
{
    [Fact]
    public void Highest_priority_comes_out_first_and_equal_priorities_in_the_order_put()
    {
        var queue = new PriorityWorkQueue<string>();
        queue.Put("a", 1);
        queue.Put("b", 5);
        queue.Put("c", 5);
        queue.Put("d", 1);
        queue.Put("e", 3);
        queue.Put("f");

        Assert.Equal(["b", "c", "e", "a", "d", "f"], Enumerable.Range(0, 6).Select(_ => queue.Get()));
    }

    [Fact]
    public void A_large_random_mix_comes_out_as_a_stable_sort_by_priority_descending()
    {
        var random = new Random(12345);
        var queue = new PriorityWorkQueue<int>();
        var put = Enumerable.Range(0, 20_000).Select(i => (Item: i, Priority: random.Next(-5, 6))).ToList();
        foreach (var (item, priority) in put)
        {
            queue.Put(item, priority);
        }

        var expected = put.OrderByDescending(p => p.Priority).Select(p => p.Item).ToList();
        var actual = new List<int>();
        while (queue.TryGet(out var item))
        {
            actual.Add(item);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Shares_close_join_and_async_with_the_work_queue()
    {
        var queue = new PriorityWorkQueue<int>(2, "prio");
        Assert.True(queue.TryPut(1, 1));
        await queue.PutAsync(2, 9);
        Assert.False(queue.TryPut(3, 5));
        var waiting = queue.PutAsync(3, 5).AsTask();
        Assert.False(waiting.IsCompleted);

        Assert.Equal(2, await queue.GetAsync());
        await waiting;
        Assert.Equal(3, queue.Get());
        Assert.Equal(1, queue.Get());
        var joined = queue.JoinAsync();
        queue.TaskDone();
        queue.TaskDone();
        queue.TaskDone();
        await joined;

        queue.Close();
        Assert.Throws<QueueClosedException>(() => queue.Put(4, 1));
        Assert.Throws<QueueClosedException>(() => queue.Get());
    }

    [Fact]
    public async Task A_blocked_consumer_receives_a_prioritised_put()
    {
        var queue = new PriorityWorkQueue<string>();
        var get = queue.GetAsync().AsTask();
        queue.Put("only", 7);
        Assert.Equal("only", await get);
        Assert.True(queue.TryPut("late", 1, TimeSpan.Zero));
    }

    [Fact]
    public void Timed_priority_puts_fail_when_full()
    {
        var queue = new PriorityWorkQueue<int>(1);
        queue.Put(1, 1, TimeSpan.FromSeconds(1));
        Assert.False(queue.TryPut(2, 2, TimeSpan.FromMilliseconds(10)));
        Assert.Throws<TimeoutException>(() => queue.Put(2, 2, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(1, queue.Count);
    }
}

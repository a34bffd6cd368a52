using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class FifoStorageTests
{
    [Fact]
    public void Keeps_order_across_wrap_around_and_growth()
    {
        var storage = new FifoStorage<string>(4);
        var expected = new Queue<string>();
        var n = 0;
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < round % 7 + 1; i++)
            {
                storage.Add($"{n}", priority: 99);
                expected.Enqueue($"{n++}");
            }

            for (var i = 0; i < round % 5 && storage.Count > 0; i++)
            {
                Assert.Equal(expected.Dequeue(), storage.Take());
            }
        }

        while (storage.Count > 0)
        {
            Assert.Equal(expected.Dequeue(), storage.Take());
        }

        Assert.Empty(expected);
    }
}

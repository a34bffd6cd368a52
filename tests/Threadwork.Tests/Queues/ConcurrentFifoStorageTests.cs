using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class ConcurrentFifoStorageTests
{
    [Fact]
    public void Keeps_order_and_count_across_adds_takes_and_cancelled_reservations()
    {
        var storage = new ConcurrentFifoStorage<string>();
        var expected = new Queue<string>();
        var n = 0;
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < round % 7 + 1; i++)
            {
                storage.Add($"{n}", priority: 99);
                expected.Enqueue($"{n++}");
            }

            Assert.True(storage.TryReserve());
            Assert.Equal(expected.Count - 1, storage.Count);
            storage.CancelReservation();
            Assert.Equal(expected.Count, storage.Count);

            for (var i = 0; i < round % 5 && storage.TryTake(out var item); i++)
            {
                Assert.Equal(expected.Dequeue(), item);
            }
        }

        while (storage.Count > 0)
        {
            Assert.Equal(expected.Dequeue(), storage.Take());
        }

        Assert.Empty(expected);
        Assert.False(storage.TryReserve());
        Assert.False(storage.TryTake(out _));
        Assert.Throws<InvalidOperationException>(() => storage.Take());
    }

    [Fact]
    public async Task Concurrent_takers_with_one_adder_take_each_item_exactly_once_and_the_count_ends_exact()
    {
        const int Total = 400_000, Takers = 3;
        var storage = new ConcurrentFifoStorage<int>();
        var seen = new int[Total];
        var taken = 0;
        var adderDone = 0;

        // Takers either take outright or reserve and sometimes give the reservation back, as a
        // select that lost its claim does.
        var takers = Enumerable.Range(0, Takers).Select(t => Task.Run(() =>
        {
            var last = -1;
            var spins = 0;
            while (Volatile.Read(ref adderDone) == 0 || storage.Count > 0)
            {
                if (t == 0 && storage.TryReserve())
                {
                    if (++spins % 3 == 0)
                    {
                        storage.CancelReservation();
                        continue;
                    }

                    var reserved = storage.TakeReserved();
                    Interlocked.Increment(ref seen[reserved]);
                    Interlocked.Increment(ref taken);
                    Assert.True(reserved > last, "one taker saw the single adder's items out of order");
                    last = reserved;
                }
                else if (storage.TryTake(out var item))
                {
                    Interlocked.Increment(ref seen[item]);
                    Interlocked.Increment(ref taken);
                    Assert.True(item > last, "one taker saw the single adder's items out of order");
                    last = item;
                }
            }
        })).ToArray();

        for (var i = 0; i < Total; i++)
        {
            storage.Add(i, priority: 0);
        }

        Volatile.Write(ref adderDone, 1);
        await Task.WhenAll(takers).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Total, taken);
        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.Equal(0, storage.Count);
        Assert.False(storage.TryTake(out _));
    }
}

using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class PriorityStorageTests
{
    [Fact]
    public void Interleaved_adds_and_takes_match_a_stable_reference()
    {
        var random = new Random(7);
        var storage = new PriorityStorage<int>();
        var reference = new List<(int Item, int Priority, int Arrival)>();
        var arrival = 0;
        for (var step = 0; step < 10_000; step++)
        {
            if (reference.Count == 0 || random.Next(3) > 0)
            {
                var priority = random.Next(4);
                storage.Add(step, priority);
                reference.Add((step, priority, arrival++));
            }
            else
            {
                var next = reference.OrderByDescending(r => r.Priority).ThenBy(r => r.Arrival).First();
                reference.Remove(next);
                Assert.Equal(next.Item, storage.Take());
            }

            Assert.Equal(reference.Count, storage.Count);
        }
    }
}

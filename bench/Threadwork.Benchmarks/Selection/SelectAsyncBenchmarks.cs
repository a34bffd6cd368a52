using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Threadwork.Queues;
using Threadwork.Selection;

namespace Threadwork.Benchmarks.Selection;

/// <summary>
/// One async consumer taking from whichever of 4 queues has an item, while one producer thread puts
/// round-robin into all 4. The baseline is the workaround .NET offers for channels: Task.WhenAny over
/// each reader's WaitToReadAsync, then TryRead on the one that completed. A second peer first tries
/// TryRead on each channel and only falls back to WhenAny when all are empty (what a careful user
/// writes). Figures are per item.
/// </summary>
[MemoryDiagnoser]
public class SelectAsyncBenchmarks
{
    private const int Items = 100_000;
    private const int Queues = 4;

    [Benchmark(Baseline = true, OperationsPerInvoke = Items, Description = "Task.WhenAny(WaitToReadAsync) x4")]
    public async Task WhenAny()
    {
        var channels = CreateChannels();
        var readers = channels.Select(c => c.Reader).ToArray();
        var producer = StartProducer(i => channels[i % Queues].Writer.TryWrite(i));
        await Task.Run(async () =>
        {
            var waits = new Task<bool>[Queues];
            for (var taken = 0; taken < Items;)
            {
                for (var q = 0; q < Queues; q++)
                {
                    waits[q] = readers[q].WaitToReadAsync().AsTask();
                }

                var ready = Array.IndexOf(waits, await Task.WhenAny(waits));
                if (readers[ready].TryRead(out _))
                {
                    taken++;
                }
            }
        });
        producer.Join();
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "TryRead x4, else WhenAny")]
    public async Task TryReadThenWhenAny()
    {
        var channels = CreateChannels();
        var readers = channels.Select(c => c.Reader).ToArray();
        var producer = StartProducer(i => channels[i % Queues].Writer.TryWrite(i));
        await Task.Run(async () =>
        {
            var waits = new Task<bool>[Queues];
            var start = 0;
            for (var taken = 0; taken < Items;)
            {
                // Rotating the first reader tried keeps one busy channel from starving the others.
                start = (start + 1) % Queues;
                var got = false;
                for (var q = 0; q < Queues && !got; q++)
                {
                    got = readers[(start + q) % Queues].TryRead(out _);
                }

                if (got)
                {
                    taken++;
                    continue;
                }

                for (var q = 0; q < Queues; q++)
                {
                    waits[q] = readers[q].WaitToReadAsync().AsTask();
                }

                await Task.WhenAny(waits);
            }
        });
        producer.Join();
    }

    [Benchmark(OperationsPerInvoke = Items, Description = "Selector.WaitAsync x4")]
    public async Task Select()
    {
        var queues = Enumerable.Range(0, Queues).Select(_ => new WorkQueue<int>()).ToArray();
        var select = Threadwork.Selection.Select.From(queues);
        var producer = StartProducer(i => queues[i % Queues].Put(i));
        await Task.Run(async () =>
        {
            for (var taken = 0; taken < Items; taken++)
            {
                await select.WaitAsync();
            }
        });
        producer.Join();
    }

    private static Channel<int>[] CreateChannels() =>
        Enumerable.Range(0, Queues).Select(_ => Channel.CreateUnbounded<int>()).ToArray();

    private static Thread StartProducer(Action<int> put)
    {
        var thread = new Thread(() =>
        {
            for (var i = 0; i < Items; i++)
            {
                put(i);
            }
        });
        thread.Start();
        return thread;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Threadwork.Benchmarks.Nats;

/// <summary>
/// The two sides of <see cref="NatsExchangeBenchmarks"/> measured in one process, interleaved: each round
/// times a few invocations of raw NATS.Net and as many of the bridged exchange, in alternating order, and
/// the ratio is taken within the round. BenchmarkDotNet runs each side in its own process, one after the
/// other, so on a shared machine a change of load between the two shifts the ratio; pairing rounds that are
/// a fraction of a second apart cancels that drift. A third side, raw NATS.Net waiting synchronously for a
/// late publish as the transport must, tells what that wait costs apart from the rest of the bridge. Same setup, same invocations, same work as the
/// BenchmarkDotNet class (it is that class).
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project bench/Threadwork.Benchmarks -- nats-paired [ROUNDS]</c>. Prints, per
/// payload, the median time per message of each side and the median, quartiles and range of the per-round
/// rate ratios (raw time / bridged time: above 1, the bridge is faster).
/// </remarks>
internal static class NatsExchangePaired
{
    private const int InvocationsPerSide = 4;
    private const int WarmupRounds = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 30;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}; {rounds} rounds of {InvocationsPerSide} invocations per side, 10,000 messages each");
        Console.WriteLine("payload        raw µs/msg  bridged µs/msg  ratio median  [quartiles]    range        raw waited synchronously: µs/msg, ratio to raw");
        foreach (var payload in new[] { "text", "json", "json-default" })
        {
            var bench = new NatsExchangeBenchmarks { Payload = payload };
            await bench.Setup();
            try
            {
                var raw = new List<double>();
                var bridged = new List<double>();
                var ratios = new List<double>();
                var waited = new List<double>();
                var waitedRatios = new List<double>();
                for (var round = 0; round < WarmupRounds + rounds; round++)
                {
                    // Alternate which side goes first, so that neither always follows the other's backlog.
                    double rawTime, bridgedTime;
                    if (round % 2 == 0)
                    {
                        rawTime = await TimeAsync(bench.Raw);
                        bridgedTime = await TimeAsync(bench.Exchange);
                    }
                    else
                    {
                        bridgedTime = await TimeAsync(bench.Exchange);
                        rawTime = await TimeAsync(bench.Raw);
                    }

                    var waitedTime = await TimeAsync(bench.RawWaitedSynchronously);
                    if (round >= WarmupRounds)
                    {
                        waited.Add(waitedTime);
                        waitedRatios.Add(rawTime / waitedTime);
                        raw.Add(rawTime);
                        bridged.Add(bridgedTime);
                        ratios.Add(rawTime / bridgedTime);
                    }
                }

                ratios.Sort();
                waitedRatios.Sort();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{payload,-13} {Median(raw),10:F3}  {Median(bridged),14:F3}  {Median(ratios),11:F2}x  [{Quantile(ratios, 0.25):F2}-{Quantile(ratios, 0.75):F2}]  {ratios[0]:F2}-{ratios[^1]:F2}   {Median(waited):F3}, {Median(waitedRatios):F2}x [{Quantile(waitedRatios, 0.25):F2}-{Quantile(waitedRatios, 0.75):F2}]"));
            }
            finally
            {
                await bench.Cleanup();
            }
        }

        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>Microseconds per message over <see cref="InvocationsPerSide"/> invocations of one side.</summary>
    private static async Task<double> TimeAsync(Func<Task> invocation)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < InvocationsPerSide; i++)
        {
            await invocation();
        }

        return watch.Elapsed.TotalMicroseconds / (InvocationsPerSide * (double)NatsExchangeBenchmarks.Messages);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return Quantile(sorted, 0.5);
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var at = q * (sorted.Count - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((at - below) * (sorted[above] - sorted[below]));
    }
}

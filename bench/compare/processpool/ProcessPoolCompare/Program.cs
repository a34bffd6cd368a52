// Per-job cost of Threadwork's ProcessPool on a tiny job, measured as pool_roundtrip.py measures
// Python's ProcessPoolExecutor: this program is also its own worker.
//   roundtrip JOBS:          one worker, Submit(...).Result one after another: the latency of one job.
//   throughput JOBS WORKERS: every job submitted at once, then every result waited for.
// Usage: ProcessPoolCompare roundtrip|throughput JOBS [WORKERS] [REPEATS]; prints the median microseconds per job.
using System.Diagnostics;
using Threadwork.Pools;

var addOne = new ProcessJob<int, int>("add-one");
if (ProcessPoolWorker.IsWorkerProcess)
{
    return await ProcessPoolWorker.RunAsync(new ProcessJobRegistry().Register(addOne, (n, _) => n + 1));
}

var mode = args[0];
var jobs = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
var repeats = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = mode == "roundtrip" ? 1 : workers, Name = "compare" });
Func<int, double> run = mode == "roundtrip" ? RoundTrip : Throughput;
run(Math.Max(100, jobs / 10));
var times = Enumerable.Range(0, repeats).Select(_ => run(jobs)).Order().ToList();
Console.WriteLine($"{times[times.Count / 2] / jobs * 1e6:F2}");
return 0;

double RoundTrip(int count)
{
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        if (pool.Submit(addOne, i).GetAwaiter().GetResult() != i + 1)
        {
            throw new InvalidOperationException("wrong result");
        }
    }

    return clock.Elapsed.TotalSeconds;
}

double Throughput(int count)
{
    var clock = Stopwatch.StartNew();
    var tasks = new Task<int>[count];
    for (var i = 0; i < count; i++)
    {
        tasks[i] = pool.Submit(addOne, i);
    }

    long sum = 0;
    foreach (var task in tasks)
    {
        sum += task.GetAwaiter().GetResult();
    }

    if (sum != (long)count * (count + 1) / 2)
    {
        throw new InvalidOperationException("wrong sum");
    }

    return clock.Elapsed.TotalSeconds;
}

using BenchmarkDotNet.Running;
using Threadwork.Benchmarks.Pools;
using Threadwork.Pools;

// ProcessPoolBenchmarks starts this program again as its workers.
if (ProcessPoolWorker.IsWorkerProcess)
{
    return await ProcessPoolWorker.RunAsync(ProcessPoolBenchmarks.Jobs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

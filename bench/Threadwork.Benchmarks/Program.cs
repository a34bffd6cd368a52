using BenchmarkDotNet.Running;
using Threadwork.Benchmarks.Nats;
using Threadwork.Benchmarks.Pools;
using Threadwork.Pools;

// ProcessPoolBenchmarks starts this program again as its workers.
if (ProcessPoolWorker.IsWorkerProcess)
{
    return await ProcessPoolWorker.RunAsync(ProcessPoolBenchmarks.Jobs);
}

// The NATS exchange's two sides interleaved in one process (see Nats/NatsExchangePaired.cs).
if (args is ["nats-paired", .. var natsArgs])
{
    return await NatsExchangePaired.RunAsync(natsArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

// A small program the library tests start as a real process, for behaviour that only shows at
// process level (does a worker keep the process alive? do pool workers outlive their parent?). Each
// scenario prints what it did, in order. Started by a ProcessPool, it is one of the pool's workers.
using Threadwork.Pools;
using Threadwork.TestHost;
using Threadwork.Workers;

if (ProcessPoolWorker.IsWorkerProcess)
{
    return await ProcessPoolWorker.RunAsync(PoolJobs.Registry);
}

switch (args.FirstOrDefault())
{
    case "pool-parent":
        return RunPoolParent();
    case "background-worker":
        return RunWorker(background: true);
    case "foreground-worker":
        return RunWorker(background: false);
    default:
        Console.Error.WriteLine($"usage: Threadwork.TestHost background-worker|foreground-worker|pool-parent (got '{string.Join(' ', args)}')");
        return 2;
}

// The worker blocks until a line arrives on stdin. A background worker must not keep the process
// alive, so "worker finished" never appears; a foreground worker keeps it alive after main returns.
static int RunWorker(bool background)
{
    var worker = new Worker("blocked-on-stdin", _ =>
    {
        Console.In.ReadLine();
        Console.WriteLine("worker finished");
    })
    { IsBackground = background };
    worker.Start();
    worker.Started.Wait();
    Console.WriteLine("worker started");
    Console.WriteLine("main returned");
    return 0;
}

// A parent with a pool of two workers, each busy with a long job; prints "workers PID PID" and then
// waits on stdin, so a test can kill this process by SIGKILL and watch whether the workers go too.
static int RunPoolParent()
{
    var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 2, Name = "orphan-test", WorkerErrorOutput = null });
    var jobs = new[] { pool.Submit(PoolJobs.Sleep, 60_000), pool.Submit(PoolJobs.Sleep, 60_000) };
    if (!SpinWait.SpinUntil(() => pool.RunningCount == 2 && pool.WorkerProcessIds.Count == 2, TimeSpan.FromSeconds(30)))
    {
        Console.WriteLine("workers did not start");
        return 1;
    }

    Console.WriteLine($"workers {string.Join(' ', pool.WorkerProcessIds)}");
    Console.In.ReadLine();
    GC.KeepAlive(jobs);
    return 0;
}

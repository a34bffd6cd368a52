// A small program the library tests start as a real process, for behaviour that only shows at
// process level (does a worker keep the process alive?). Each scenario prints what it did, in order.
using Threadwork.Workers;

switch (args.FirstOrDefault())
{
    case "background-worker":
        return RunWorker(background: true);
    case "foreground-worker":
        return RunWorker(background: false);
    default:
        Console.Error.WriteLine($"usage: Threadwork.TestHost background-worker|foreground-worker (got '{string.Join(' ', args)}')");
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

// The .NET side of bench/compare/coroutines:
//   switches [TASKS] [YIELDS_EACH] [REPEATS]  the seed's countdown on CoroutineScheduler; prints the median switches per
//                                              second of wall time, then of the process's CPU time
//   echo-load HOST:PORT [CLIENTS] [LINES] [got|echo]
//                                              CLIENTS connections, each sending LINES lines one at a time and waiting for
//                                              each reply: "GOT:<line>" (got, the recipe's server) or the line itself (echo,
//                                              a server that echoes raw bytes); prints "replies/s p50_us p99_us" of the
//                                              round trips (exits 1 on a wrong reply)
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Threadwork.Coroutines;

var mode = args.Length > 0 ? args[0] : "switches";
int Arg(int index, int defaultValue) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : defaultValue;

if (mode == "switches")
{
    var tasks = Arg(1, 100);
    var yieldsEach = Arg(2, 20_000);
    var repeats = Arg(3, 5);
    // Warm up for half a second, then let the background compiler finish, so no measured run is half in
    // unoptimised code (a single short warm-up left the measured runs' speed to the JIT's timing).
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed < TimeSpan.FromSeconds(0.5))
    {
        MeasureSwitches(tasks, yieldsEach);
    }

    Thread.Sleep(200);
    var runs = Enumerable.Range(0, repeats).Select(_ => MeasureSwitches(tasks, yieldsEach)).ToArray();
    var wall = runs.Select(r => r.Wall).Order().ToArray()[repeats / 2];
    var cpu = runs.Select(r => r.Cpu).Order().ToArray()[repeats / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{wall:F0} {cpu:F0}"));
    return 0;
}

if (mode == "echo-load")
{
    var endpoint = IPEndPoint.Parse(args[1]);
    var clients = Arg(2, 100);
    var lines = Arg(3, 2_000);
    var replyPrefix = (args.Length > 4 ? args[4] : "got") switch
    {
        "got" => "GOT:",
        "echo" => string.Empty,
        var other => throw new ArgumentException($"echo-load: the reply kind must be got or echo, not '{other}'"),
    };

    // Every client connects before the clock starts, so the figure is round trips, not connection set-up.
    var sockets = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => ConnectAsync(endpoint)));
    var clock = Stopwatch.StartNew();
    var results = await Task.WhenAll(sockets.Select((socket, c) => Task.Run(() => ClientAsync(socket, c, lines, replyPrefix))));
    var elapsed = clock.Elapsed;
    foreach (var socket in sockets)
    {
        socket.Dispose();
    }

    if (results.Any(r => r is null))
    {
        Console.Error.WriteLine($"echo-load: a reply was not {replyPrefix}<line>");
        return 1;
    }

    var all = results.SelectMany(r => r!).Order().ToArray();
    double Percentile(double p) => all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1e6 / Stopwatch.Frequency;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clients * (double)lines / elapsed.TotalSeconds:F0} {Percentile(0.50):F0} {Percentile(0.99):F0}"));
    return 0;
}

Console.Error.WriteLine($"unknown mode '{mode}': use switches or echo-load");
return 2;

static (double Wall, double Cpu) MeasureSwitches(int tasks, int yieldsEach)
{
    var scheduler = new CoroutineScheduler();
    for (var i = 0; i < tasks; i++)
    {
        scheduler.Spawn($"countdown {i}", Countdown(yieldsEach));
    }

    using var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    scheduler.Run();
    var wall = clock.Elapsed;
    process.Refresh();
    return (scheduler.Switches / wall.TotalSeconds, scheduler.Switches / (process.TotalProcessorTime - cpu).TotalSeconds);
}

static IEnumerable<Suspend> Countdown(int n)
{
    while (n > 0)
    {
        yield return Suspend.Yield;
        n--;
    }
}

static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
{
    var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(endpoint);
    return socket;
}

// The round-trip times in Stopwatch ticks, or null on a wrong reply.
static async Task<long[]?> ClientAsync(Socket socket, int client, int lines, string replyPrefix)
{
    var buffer = new byte[256];
    var times = new long[lines];
    for (var i = 0; i < lines; i++)
    {
        var line = $"client {client} line {i}\n";
        var expected = replyPrefix + line;
        var start = Stopwatch.GetTimestamp();
        await socket.SendAsync(Encoding.ASCII.GetBytes(line));
        var received = 0;
        while (received < expected.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received));
            if (n == 0)
            {
                return null;
            }

            received += n;
        }

        times[i] = Stopwatch.GetTimestamp() - start;
        if (Encoding.ASCII.GetString(buffer, 0, received) != expected)
        {
            return null;
        }
    }

    return times;
}

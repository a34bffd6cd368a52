// The .NET side of bench/compare/coroutines:
//   switches [TASKS] [YIELDS_EACH] [REPEATS]  the seed's countdown on CoroutineScheduler; prints median switches per second
//   echo-load HOST:PORT [CLIENTS] [LINES]      CLIENTS connections, each sending LINES lines one at a time and waiting for
//                                              each "GOT:" reply; prints replies per second (exits 1 on a wrong reply)
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
    MeasureSwitches(tasks, 1_000);
    var rates = Enumerable.Range(0, repeats).Select(_ => MeasureSwitches(tasks, yieldsEach)).Order().ToArray();
    Console.WriteLine(rates[rates.Length / 2].ToString("F0", CultureInfo.InvariantCulture));
    return 0;
}

if (mode == "echo-load")
{
    var endpoint = IPEndPoint.Parse(args[1]);
    var clients = Arg(2, 100);
    var lines = Arg(3, 2_000);
    var clock = Stopwatch.StartNew();
    var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(endpoint, c, lines))));
    var elapsed = clock.Elapsed;
    if (results.Any(ok => !ok))
    {
        Console.Error.WriteLine("echo-load: a reply was not GOT:<line>");
        return 1;
    }

    Console.WriteLine((clients * (double)lines / elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture));
    return 0;
}

Console.Error.WriteLine($"unknown mode '{mode}': use switches or echo-load");
return 2;

static double MeasureSwitches(int tasks, int yieldsEach)
{
    var scheduler = new CoroutineScheduler();
    for (var i = 0; i < tasks; i++)
    {
        scheduler.Spawn($"countdown {i}", Countdown(yieldsEach));
    }

    var clock = Stopwatch.StartNew();
    scheduler.Run();
    return scheduler.Switches / clock.Elapsed.TotalSeconds;
}

static IEnumerable<Suspend> Countdown(int n)
{
    while (n > 0)
    {
        yield return Suspend.Yield;
        n--;
    }
}

static async Task<bool> ClientAsync(IPEndPoint endpoint, int client, int lines)
{
    using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(endpoint);
    var buffer = new byte[256];
    for (var i = 0; i < lines; i++)
    {
        var line = $"client {client} line {i}\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(line));
        var expected = "GOT:" + line;
        var received = 0;
        while (received < expected.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received));
            if (n == 0)
            {
                return false;
            }

            received += n;
        }

        if (Encoding.ASCII.GetString(buffer, 0, received) != expected)
        {
            return false;
        }
    }

    return true;
}

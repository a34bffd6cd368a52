using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Coroutines;

/// <summary><c>threadwork coroutines</c> and <c>threadwork coroutines echo</c>: recipe 12.12, generators instead of threads.</summary>
internal static class CoroutinesCommand
{
    public static Command Create()
    {
        var counterFrom = Options.Int("--counter-from", 10_000, 0, "The actor demo's counter counts down from this (0 skips the actor demo)");
        var command = new Command("coroutines", "Recipe 12.12: iterators as coroutines on one thread: countdown/countup taking turns, then actors messaging each other")
        {
            counterFrom,
            CreateEcho(),
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(cancel =>
        {
            GeneratorDemos.RunTaskScheduler(Console.Out, cancel);
            var from = parse.GetValue(counterFrom);
            if (from == 0)
            {
                return Task.FromResult(true);
            }

            Console.Out.WriteLine();
            return Task.FromResult(GeneratorDemos.RunActors(from, Console.Out, cancel));
        }, token));
        return command;
    }

    private static Command CreateEcho()
    {
        var port = Options.Int("--port", 16000, 0, "TCP port to listen on (0 picks a free one)");
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() > IPEndPoint.MaxPort)
            {
                result.AddError($"--port must be {IPEndPoint.MaxPort} or less, but was {result.GetValueOrDefault<int>()}.");
            }
        });
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (0.0.0.0 for every interface)",
            DefaultValueFactory = _ => "127.0.0.1",
            HelpName = "address",
        };
        host.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!IPAddress.TryParse(value, out _))
            {
                result.AddError($"--host: '{value}' is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0.");
            }
        });
        var quiet = new Option<bool>("--quiet") { Description = "Print only the 'running at' line, not a line per connection" };
        var command = new Command("echo", "Recipe 12.12: an echo server on coroutines, one thread, one poll; replies GOT:<line> to each line")
        {
            port, host, quiet,
        };
        command.SetAction((parse, token) =>
        {
            var endpoint = new IPEndPoint(IPAddress.Parse(parse.GetValue(host)!), parse.GetValue(port));
            return Interrupts.RunAsync(cancel =>
            {
                try
                {
                    CoroutineEchoServer.Run(endpoint, parse.GetValue(quiet), maxClients: null, Console.Out, extra: null, cancel);
                    return Task.FromResult(true);
                }
                catch (SocketException e) when (!cancel.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"threadwork: cannot listen on {endpoint}: {e.Message}");
                    return Task.FromResult(false);
                }
            }, token);
        });
        return command;
    }
}

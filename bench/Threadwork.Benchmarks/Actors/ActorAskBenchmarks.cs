using Akka.Actor;
using Proto;
using BenchmarkDotNet.Attributes;
using Threadwork.Actors;
using ActorSystem = Akka.Actor.ActorSystem;
using Props = Akka.Actor.Props;
using ProtoActorSystem = Proto.ActorSystem;
using ProtoPid = Proto.PID;
using ProtoProps = Proto.Props;

namespace Threadwork.Benchmarks.Actors;

/// <summary>
/// Ask round trip from outside the actors: send a request, await the reply (10 s timeout on every side).
/// Threadwork beside Akka.NET (baseline) and Proto.Actor. Per round trip.
/// </summary>
[MemoryDiagnoser]
public class ActorAskBenchmarks
{
    private const int Asks = 1_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private ActorSystem _akka = null!;
    private IActorRef _akkaEcho = null!;
    private ProtoActorSystem _proto = null!;
    private ProtoPid _protoEcho = null!;
    private HandlerActor<Reply<int>> _oursEcho = null!;

    [GlobalSetup]
    public void Setup()
    {
        _akka = ActorSystem.Create("bench");
        _akkaEcho = _akka.ActorOf(Props.Create(() => new AkkaEcho()));
        _proto = new ProtoActorSystem();
        _protoEcho = _proto.Root.Spawn(ProtoProps.FromFunc(context =>
        {
            if (context.Message is int n)
            {
                context.Respond(n);
            }

            return Task.CompletedTask;
        }));
        _oursEcho = Threadwork.Actors.Actor.Start<Reply<int>>(reply => reply.Complete(1));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _akka.Terminate().Wait();
        _proto.ShutdownAsync().Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Asks, Description = "Akka.NET Ask")]
    public async Task<int> AkkaNet()
    {
        var sum = 0;
        for (var i = 0; i < Asks; i++)
        {
            sum += await _akkaEcho.Ask<int>(1, Timeout);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Asks, Description = "Proto.Actor RequestAsync")]
    public async Task<int> ProtoActor()
    {
        var sum = 0;
        for (var i = 0; i < Asks; i++)
        {
            sum += await _proto.Root.RequestAsync<int>(_protoEcho, 1, Timeout);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Asks, Description = "Threadwork Ask")]
    public async Task<int> Ours()
    {
        var sum = 0;
        for (var i = 0; i < Asks; i++)
        {
            sum += await _oursEcho.Ask<int>(reply => reply, Timeout);
        }

        return sum;
    }

    private sealed class AkkaEcho : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}

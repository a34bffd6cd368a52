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
/// Ping-pong: <see cref="Pairs"/> pairs of actors bounce a counter, all pairs at once, 200,000
/// messages in all (200,000 / <see cref="Pairs"/> per pair). Threadwork handler actors beside Akka.NET (baseline) and Proto.Actor, each
/// on its default dispatcher. Per message (OperationsPerInvoke), so messages/s = 1e9 / mean ns.
/// </summary>
[MemoryDiagnoser]
public class ActorPingPongBenchmarks
{
    private const int Messages = 200_000;

    private readonly CountdownEvent _done = new(1);
    private ActorSystem _akka = null!;
    private IActorRef[] _akkaFirst = null!;
    private ProtoActorSystem _proto = null!;
    private ProtoPid[] _protoFirst = null!;
    private HandlerActor<int>[] _oursFirst = null!;

    /// <summary>How many pairs play at once.</summary>
    [Params(1, 100)]
    public int Pairs { get; set; }

    private int MessagesPerPair => Messages / Pairs;

    [GlobalSetup]
    public void Setup()
    {
        _akka = ActorSystem.Create("bench");
        _akkaFirst = new IActorRef[Pairs];
        _proto = new ProtoActorSystem();
        _protoFirst = new ProtoPid[Pairs];
        _oursFirst = new HandlerActor<int>[Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            var a = _akka.ActorOf(Props.Create(() => new AkkaPlayer(_done)));
            var b = _akka.ActorOf(Props.Create(() => new AkkaPlayer(_done)));
            a.Tell(b);
            b.Tell(a);
            _akkaFirst[p] = a;

            var pa = _proto.Root.Spawn(ProtoPlayer(_done));
            var pb = _proto.Root.Spawn(ProtoPlayer(_done));
            _proto.Root.Send(pa, pb);
            _proto.Root.Send(pb, pa);
            _protoFirst[p] = pa;

            HandlerActor<int>? second = null;
            var first = Threadwork.Actors.Actor.Start<int>(n => Play(n, second!));
            second = Threadwork.Actors.Actor.Start<int>(n => Play(n, first));
            _oursFirst[p] = first;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _akka.Terminate().Wait();
        _proto.ShutdownAsync().Wait();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages, Description = "Akka.NET")]
    public void AkkaNet()
    {
        _done.Reset(Pairs);
        foreach (var a in _akkaFirst)
        {
            a.Tell(MessagesPerPair);
        }

        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Proto.Actor")]
    public void ProtoActor()
    {
        _done.Reset(Pairs);
        foreach (var a in _protoFirst)
        {
            _proto.Root.Send(a, MessagesPerPair);
        }

        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Threadwork HandlerActor")]
    public void Ours()
    {
        _done.Reset(Pairs);
        foreach (var a in _oursFirst)
        {
            a.Send(MessagesPerPair);
        }

        _done.Wait();
    }

    private void Play(int n, HandlerActor<int> partner)
    {
        if (n == 1)
        {
            _done.Signal();
        }
        else
        {
            partner.Send(n - 1);
        }
    }

    private static ProtoProps ProtoPlayer(CountdownEvent done)
    {
        ProtoPid? partner = null;
        return ProtoProps.FromFunc(context =>
        {
            switch (context.Message)
            {
                case ProtoPid pid:
                    partner = pid;
                    break;
                case int n when n == 1:
                    done.Signal();
                    break;
                case int n:
                    context.Send(partner!, n - 1);
                    break;
            }

            return Task.CompletedTask;
        });
    }

    private sealed class AkkaPlayer(CountdownEvent done) : UntypedActor
    {
        private IActorRef? _partner;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case IActorRef partner:
                    _partner = partner;
                    break;
                case 1:
                    done.Signal();
                    break;
                case int n:
                    _partner!.Tell(n - 1);
                    break;
            }
        }
    }
}

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
/// Fan-in: <see cref="Senders"/> sender actors each send 200,000 / <see cref="Senders"/> messages to one
/// sink actor, all at once; the invocation ends when the sink has counted all 200,000. Every sender is
/// started by one message naming how many to send and sends them in a loop from its handler. Threadwork
/// handler actors beside Akka.NET (baseline) and Proto.Actor, each on its default dispatcher. Per message
/// (OperationsPerInvoke), so messages/s = 1e9 / mean ns.
/// </summary>
[MemoryDiagnoser]
public class ActorFanInBenchmarks
{
    private const int Messages = 200_000;

    private readonly ManualResetEventSlim _done = new();
    private ActorSystem _akka = null!;
    private IActorRef[] _akkaSenders = null!;
    private ProtoActorSystem _proto = null!;
    private ProtoPid[] _protoSenders = null!;
    private HandlerActor<int>[] _oursSenders = null!;

    /// <summary>How many actors send to the one sink.</summary>
    [Params(4, 16, 64)]
    public int Senders { get; set; }

    private int MessagesPerSender => Messages / Senders;

    [GlobalSetup]
    public void Setup()
    {
        _akka = ActorSystem.Create("bench");
        var akkaSink = _akka.ActorOf(Props.Create(() => new AkkaSink(_done)));
        _akkaSenders = new IActorRef[Senders];
        _proto = new ProtoActorSystem();
        var protoSink = _proto.Root.Spawn(ProtoSink(_done));
        _protoSenders = new ProtoPid[Senders];
        var oursSink = Threadwork.Actors.Actor.Start<int>(() =>
        {
            var count = 0;
            return _ => Count(ref count, _done);
        });
        _oursSenders = new HandlerActor<int>[Senders];
        for (var s = 0; s < Senders; s++)
        {
            _akkaSenders[s] = _akka.ActorOf(Props.Create(() => new AkkaSender(akkaSink)));
            _protoSenders[s] = _proto.Root.Spawn(ProtoSender(protoSink));
            _oursSenders[s] = Threadwork.Actors.Actor.Start<int>(n =>
            {
                for (var i = 0; i < n; i++)
                {
                    oursSink.Send(i);
                }
            });
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
        _done.Reset();
        foreach (var sender in _akkaSenders)
        {
            sender.Tell(MessagesPerSender);
        }

        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Proto.Actor")]
    public void ProtoActor()
    {
        _done.Reset();
        foreach (var sender in _protoSenders)
        {
            _proto.Root.Send(sender, MessagesPerSender);
        }

        _done.Wait();
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Threadwork HandlerActor")]
    public void Ours()
    {
        _done.Reset();
        foreach (var sender in _oursSenders)
        {
            sender.Send(MessagesPerSender);
        }

        _done.Wait();
    }

    /// <summary>The sink's work, the same on every side: count, and signal at every 200,000th message.</summary>
    private static void Count(ref int count, ManualResetEventSlim done)
    {
        if (++count == Messages)
        {
            count = 0;
            done.Set();
        }
    }

    private static ProtoProps ProtoSink(ManualResetEventSlim done)
    {
        var count = 0;
        return ProtoProps.FromFunc(context =>
        {
            if (context.Message is int)
            {
                Count(ref count, done);
            }

            return Task.CompletedTask;
        });
    }

    private static ProtoProps ProtoSender(ProtoPid sink) =>
        ProtoProps.FromFunc(context =>
        {
            if (context.Message is int n)
            {
                for (var i = 0; i < n; i++)
                {
                    context.Send(sink, i);
                }
            }

            return Task.CompletedTask;
        });

    private sealed class AkkaSink(ManualResetEventSlim done) : UntypedActor
    {
        private int _count;

        protected override void OnReceive(object message)
        {
            if (message is int)
            {
                Count(ref _count, done);
            }
        }
    }

    private sealed class AkkaSender(IActorRef sink) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is int n)
            {
                for (var i = 0; i < n; i++)
                {
                    sink.Tell(i);
                }
            }
        }
    }
}

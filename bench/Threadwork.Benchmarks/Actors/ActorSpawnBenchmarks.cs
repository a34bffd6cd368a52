using Akka.Actor;
using Proto;
using BenchmarkDotNet.Attributes;
using Threadwork.Actors;
using ActorSystem = Akka.Actor.ActorSystem;
using Props = Akka.Actor.Props;
using ProtoActorSystem = Proto.ActorSystem;
using ProtoProps = Proto.Props;

namespace Threadwork.Benchmarks.Actors;

/// <summary>
/// Spawning 100,000 idle actors: Threadwork handler actors beside Akka.NET (baseline) and Proto.Actor.
/// Per actor (OperationsPerInvoke): the time, and the allocated bytes column is bytes per idle actor.
/// Each iteration gets a fresh actor system (created and shut down outside the measurement).
/// </summary>
[MemoryDiagnoser]
public class ActorSpawnBenchmarks
{
    private const int Count = 100_000;

    private readonly object[] _actors = new object[Count];
    private ActorSystem? _akka;
    private ProtoActorSystem? _proto;

    [IterationSetup(Target = nameof(AkkaNet))]
    public void SetupAkka() => _akka = ActorSystem.Create("bench");

    [IterationCleanup(Target = nameof(AkkaNet))]
    public void CleanupAkka() => _akka!.Terminate().Wait();

    [IterationSetup(Target = nameof(ProtoActor))]
    public void SetupProto() => _proto = new ProtoActorSystem();

    [IterationCleanup(Target = nameof(ProtoActor))]
    public void CleanupProto() => _proto!.ShutdownAsync().Wait();

    [IterationCleanup(Target = nameof(Ours))]
    public void CleanupThreadwork() => Array.Clear(_actors);

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "Akka.NET ActorOf")]
    public void AkkaNet()
    {
        var props = Props.Create(() => new AkkaIdle());
        for (var i = 0; i < Count; i++)
        {
            _actors[i] = _akka!.ActorOf(props);
        }
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "Proto.Actor Spawn")]
    public void ProtoActor()
    {
        var props = ProtoProps.FromFunc(_ => Task.CompletedTask);
        for (var i = 0; i < Count; i++)
        {
            _actors[i] = _proto!.Root.Spawn(props);
        }
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "Threadwork Actor.Start")]
    public void Ours()
    {
        Action<int> handler = _ => { };
        for (var i = 0; i < Count; i++)
        {
            _actors[i] = Threadwork.Actors.Actor.Start(handler);
        }
    }

    private sealed class AkkaIdle : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Threadwork.Pools;

namespace Threadwork.Benchmarks.Pools;

/// <summary>
/// Per-job cost of <see cref="ProcessPool"/> on a tiny job (n -> n + 1). The baseline is the floor of any
/// process pool: 16 bytes written to a child process (<c>cat</c>) and read back, one pipe round trip with no
/// framing, no JSON and no job. Python's <c>ProcessPoolExecutor</c> cannot run in this class; it is measured
/// the same way by bench/compare/processpool/run.sh.
/// </summary>
/// <remarks>The workers are this benchmark program started again in worker mode (Program.cs checks first).</remarks>
[MemoryDiagnoser]
public class ProcessPoolBenchmarks
{
    private const int Bulk = 200;

    private readonly byte[] _ping = new byte[16];
    private readonly byte[] _pong = new byte[16];
    private readonly Task<int>[] _tasks = new Task<int>[Bulk];
    private Process _cat = null!;
    private ProcessPool _single = null!;
    private ProcessPool _pair = null!;
    private int _n;

    /// <summary>The job the workers run.</summary>
    public static ProcessJob<int, int> AddOne { get; } = new("add-one");

    /// <summary>The registry of this program in worker mode.</summary>
    public static ProcessJobRegistry Jobs { get; } = new ProcessJobRegistry().Register(AddOne, (n, _) => n + 1);

    [GlobalSetup]
    public void Setup()
    {
        _cat = Process.Start(new ProcessStartInfo("cat") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        var self = WorkerProgram();
        _single = new ProcessPool(new ProcessPoolOptions { WorkerCount = 1, Name = "bench-1", FileName = "dotnet", Arguments = [self] });
        _pair = new ProcessPool(new ProcessPoolOptions { WorkerCount = 2, Name = "bench-2", FileName = "dotnet", Arguments = [self] });

        // Both pools' workers started and warm before the first measured call.
        for (var i = 0; i < 1000; i++)
        {
            _single.Submit(AddOne, i).GetAwaiter().GetResult();
            _pair.Submit(AddOne, i).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _single.Dispose();
        _pair.Dispose();
        _cat.StandardInput.Close();
        _cat.WaitForExit();
        _cat.Dispose();
    }

    [Benchmark(Baseline = true, Description = "pipe round trip to cat (16 bytes)")]
    public int PipeRoundTrip()
    {
        var input = _cat.StandardInput.BaseStream;
        input.Write(_ping);
        input.Flush();
        _cat.StandardOutput.BaseStream.ReadExactly(_pong);
        return _pong[0];
    }

    [Benchmark(Description = "ProcessPool(1): Submit, wait, one job")]
    public int RoundTrip() => _single.Submit(AddOne, _n++).GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Bulk, Description = "ProcessPool(2): 200 jobs submitted, then awaited")]
    public long Throughput()
    {
        for (var i = 0; i < Bulk; i++)
        {
            _tasks[i] = _pair.Submit(AddOne, i);
        }

        long sum = 0;
        foreach (var task in _tasks)
        {
            sum += task.GetAwaiter().GetResult();
        }

        return sum;
    }

    /// <summary>This program's own dll, where its runtimeconfig is (BenchmarkDotNet runs from a generated folder below it).</summary>
    private static string WorkerProgram()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var dll = Path.Combine(folder.FullName, "Threadwork.Benchmarks.dll");
            if (File.Exists(dll) && File.Exists(Path.Combine(folder.FullName, "Threadwork.Benchmarks.runtimeconfig.json")))
            {
                return dll;
            }
        }

        throw new InvalidOperationException($"Threadwork.Benchmarks.dll with its runtimeconfig not found above {AppContext.BaseDirectory}");
    }
}

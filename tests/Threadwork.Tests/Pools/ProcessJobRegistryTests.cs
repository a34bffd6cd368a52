using Threadwork.Pools;

namespace Threadwork.Tests.Pools;

public class ProcessJobRegistryTests
{
    private static readonly ProcessJob<int, string> Describe = new("describe");

    [Fact]
    public void A_registered_job_runs_from_json_to_json()
    {
        var registry = new ProcessJobRegistry().Register(Describe, (n, _) => $"n={n}");
        Assert.True(registry.TryGet("describe", out var run));
        Assert.Equal("\"n=41\"", System.Text.Encoding.UTF8.GetString(run("41"u8.ToArray(), CancellationToken.None)));
        Assert.Equal(["describe"], registry.Names);
        Assert.False(registry.TryGet("other", out _));
    }

    [Fact]
    public void Registering_a_name_twice_is_refused_naming_it()
    {
        var registry = new ProcessJobRegistry().Register(Describe, (n, _) => "a");
        var error = Assert.Throws<ArgumentException>(() => registry.Register(new ProcessJob<int, int>("describe"), (n, _) => n));
        Assert.Contains("'describe' is already registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_loop_refuses_to_run_in_a_process_no_pool_started()
    {
        Assert.False(ProcessPoolWorker.IsWorkerProcess);
        var error = Assert.Throws<InvalidOperationException>(() => { _ = ProcessPoolWorker.RunAsync(new ProcessJobRegistry()); });
        Assert.Contains("not started by a process pool", error.Message, StringComparison.Ordinal);
    }
}

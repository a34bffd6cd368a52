using Threadwork.Actors;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Actors;

public sealed class WorkerActorTests
{
    [Fact]
    public async Task Submit_returns_the_functions_result_and_runs_them_in_order_on_the_workers_thread()
    {
        var worker = Actor.StartWorker("adder");
        var order = new List<int>();
        var first = worker.Submit(() => { order.Add(1); return 2 + 3 * 2; });
        var second = worker.Submit(() => { order.Add(2); return Thread.CurrentThread.Name; });
        Assert.Equal(8, await first);
        Assert.Equal("adder", await second);
        Assert.Equal([1, 2], order);
        worker.Close();
        Assert.True(worker.Join(Wait.Bound));
    }

    [Fact]
    public async Task A_failing_function_faults_its_own_task_and_the_worker_goes_on()
    {
        var worker = Actor.StartWorker();
        var failing = worker.Submit<int>(() => throw new ArithmeticException("overflow"));
        var next = worker.Submit(() => 1);
        Assert.Equal("overflow", (await Assert.ThrowsAsync<ArithmeticException>(() => failing)).Message);
        Assert.Equal(1, await next);
        worker.Close();
        Assert.True(worker.Join(Wait.Bound));
    }

    [Fact]
    public async Task Submit_to_a_closed_worker_fails_instead_of_waiting_for_ever()
    {
        var worker = Actor.StartWorker();
        worker.Close();
        Assert.True(worker.Join(Wait.Bound));
        await Assert.ThrowsAsync<InvalidOperationException>(() => worker.Submit(() => 1).WaitAsync(Wait.Bound));
    }
}

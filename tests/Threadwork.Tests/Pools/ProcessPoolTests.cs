using System.Diagnostics;
using Threadwork.Pools;
using Threadwork.TestHost;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Pools;

/// <summary>Real worker processes (Threadwork.TestHost started as a worker), real kills, real crashes.</summary>
public class ProcessPoolTests
{
    private static readonly string HostDll = Path.Combine(AppContext.BaseDirectory, "Threadwork.TestHost.dll");

    [Fact]
    public void Map_returns_every_result_in_input_order_and_concurrent_submits_each_get_their_own()
    {
        using var pool = StartPool(workers: 2);

        // Workers start in parallel; a slow one may still be starting when the other has done all the jobs.
        // What the end checks is that none was replaced, so both must be counted before the jobs run.
        Wait.Until(() => pool.StartedWorkerCount == 2, "both workers are up");
        var squares = pool.Map(PoolJobs.Square, Enumerable.Range(0, 200), lookAhead: 16).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(n => n * n), squares);

        var submitters = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var tasks = Enumerable.Range(0, 100).Select(i => (N: t * 1000 + i, Task: pool.Submit(PoolJobs.Square, t * 1000 + i))).ToList();
            return tasks.Select(x => (x.N, Result: x.Task.WaitAsync(Wait.Bound).GetAwaiter().GetResult())).ToList();
        })).ToArray();
        var all = submitters.SelectMany(s => s.WaitAsync(Wait.Bound).GetAwaiter().GetResult()).ToList();
        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Select(x => x.N).Distinct().Count());
        Assert.All(all, x => Assert.Equal(x.N * x.N, x.Result));
        Assert.Equal(2, pool.StartedWorkerCount);
    }

    [Fact]
    public async Task An_exception_in_the_worker_arrives_with_its_type_message_and_stack_and_the_worker_lives_on()
    {
        using var pool = StartPool(workers: 1);
        var pid = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);

        var error = await Assert.ThrowsAsync<ProcessJobException>(() => pool.Submit(PoolJobs.Throw, "no such customer").WaitAsync(Wait.Bound));
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("no such customer", error.RemoteMessage);
        Assert.Contains("ThrowingJob", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Equal(pid, error.WorkerProcessId);
        Assert.Contains($"Job 'throw' failed in worker process {pid}: System.InvalidOperationException: no such customer", error.Message, StringComparison.Ordinal);
        Assert.Contains("ThrowingJob", error.ToString(), StringComparison.Ordinal);

        Assert.Equal(pid, await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound));
        Assert.Equal(1, pool.StartedWorkerCount);
    }

    [Fact]
    public async Task A_worker_killed_by_SIGKILL_mid_job_fails_that_job_naming_pid_and_signal_and_is_replaced()
    {
        using var pool = StartPool(workers: 1);
        var first = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);
        var running = pool.Submit(PoolJobs.Sleep, 60_000);
        Wait.Until(() => pool.RunningCount == 1, "the sleep job is running");
        using (var victim = Process.GetProcessById(first))
        {
            victim.Kill();
        }

        var error = await Assert.ThrowsAsync<WorkerProcessDiedException>(() => running.WaitAsync(Wait.Bound));
        Assert.Equal(first, error.WorkerProcessId);
        Assert.Equal("sleep", error.JobName);
        Assert.Equal(9, error.Signal);
        Assert.Contains($"Worker process {first} of pool 'test' died while running job 'sleep': killed by signal 9 (SIGKILL; exit code 137)", error.Message, StringComparison.Ordinal);

        var replacement = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);
        Assert.NotEqual(first, replacement);
        Assert.Equal(2, pool.StartedWorkerCount);
    }

    [Fact]
    public async Task FailFast_in_one_job_fails_it_with_the_message_while_the_other_jobs_complete()
    {
        using var pool = StartPool(workers: 2);
        var crash = pool.Submit(PoolJobs.FailFast, "native library corrupted its heap");
        var others = Enumerable.Range(1, 10).Select(n => pool.Submit(PoolJobs.Square, n)).ToList();

        var error = await Assert.ThrowsAsync<WorkerProcessDiedException>(() => crash.WaitAsync(Wait.Bound));
        Assert.Equal(6, error.Signal);
        Assert.Contains("SIGABRT", error.Message, StringComparison.Ordinal);
        Assert.Contains("native library corrupted its heap", error.StandardErrorTail, StringComparison.Ordinal);
        Assert.Contains("native library corrupted its heap", error.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 10).Select(n => n * n), await Task.WhenAll(others).WaitAsync(Wait.Bound));
        Assert.Equal(49, await pool.Submit(PoolJobs.Square, 7).WaitAsync(Wait.Bound));
    }

    [Fact]
    public async Task A_job_past_its_timeout_has_its_worker_killed_and_fails_with_a_TimeoutException()
    {
        using var pool = StartPool(workers: 1);
        var first = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);

        var error = await Assert.ThrowsAsync<ProcessJobTimeoutException>(() => pool.Submit(PoolJobs.IgnoreCancel, 60_000, timeout: TimeSpan.FromMilliseconds(300)).WaitAsync(Wait.Bound));
        Assert.IsAssignableFrom<TimeoutException>(error);
        Assert.Equal(first, error.WorkerProcessId);
        Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
        Assert.Contains($"Job 'ignore-cancel' ran past its timeout of 300 ms; worker process {first} was killed and replaced.", error.Message, StringComparison.Ordinal);
        Wait.Until(() => IsGone(first), $"worker {first} has exited");

        Assert.NotEqual(first, await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound));
    }

    [Fact]
    public async Task Cancelling_a_queued_job_means_it_never_runs_and_a_running_job_is_cancelled_through_its_token()
    {
        using var pool = StartPool(workers: 1);
        var pid = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);
        using var runningCancel = new CancellationTokenSource();
        using var queuedCancel = new CancellationTokenSource();
        var running = pool.Submit(PoolJobs.Sleep, 60_000, cancellationToken: runningCancel.Token);
        var queued = pool.Submit(PoolJobs.Square, 3, cancellationToken: queuedCancel.Token);
        Wait.Until(() => pool.RunningCount == 1 && pool.QueuedCount == 1, "one job runs, one waits");

        queuedCancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Wait.Bound));
        Assert.False(running.IsCompleted);

        runningCancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Wait.Bound));

        // Cooperative: the job returned when its token fired, so the same worker takes the next job.
        Assert.Equal(pid, await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound));
        Assert.Equal(1, pool.StartedWorkerCount);
    }

    [Fact]
    public async Task A_running_job_that_ignores_its_token_is_killed_after_the_cancel_grace()
    {
        using var pool = StartPool(workers: 1, cancelGrace: TimeSpan.FromMilliseconds(200));
        var pid = await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound);
        using var cancel = new CancellationTokenSource();
        var stubborn = pool.Submit(PoolJobs.IgnoreCancel, 60_000, cancellationToken: cancel.Token);
        Wait.Until(() => pool.RunningCount == 1, "the job is running");

        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stubborn.WaitAsync(Wait.Bound));
        Wait.Until(() => IsGone(pid), $"worker {pid} was killed");
        Assert.NotEqual(pid, await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound));
    }

    [Fact]
    public async Task Workers_are_recycled_after_the_given_number_of_jobs()
    {
        using var pool = StartPool(workers: 1, recycleAfter: 2);
        var pids = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            pids.Add(await pool.Submit(PoolJobs.Pid, 0).WaitAsync(Wait.Bound));
        }

        Assert.Equal(pids[0], pids[1]);
        Assert.Equal(pids[2], pids[3]);
        Assert.Equal(3, pids.Distinct().Count());
        Assert.Equal(3, pool.StartedWorkerCount);
    }

    [Fact]
    public async Task With_a_crash_retry_a_job_whose_worker_died_runs_again_on_a_fresh_worker()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"threadwork-crash-once-{Guid.NewGuid():N}");
        try
        {
            using var pool = StartPool(workers: 1, crashRetries: 1);
            var pid = await pool.Submit(PoolJobs.CrashOnce, marker).WaitAsync(Wait.Bound);
            var crashed = int.Parse(await File.ReadAllTextAsync(marker), System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(crashed, pid);
            Assert.Equal(2, pool.StartedWorkerCount);
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Dispose_cancels_running_jobs_and_leaves_no_worker_process_behind()
    {
        var pool = StartPool(workers: 2, cancelGrace: TimeSpan.FromMilliseconds(300));
        var jobs = new[] { pool.Submit(PoolJobs.Sleep, 60_000), pool.Submit(PoolJobs.IgnoreCancel, 60_000) };
        Wait.Until(() => pool.RunningCount == 2 && pool.WorkerProcessIds.Count == 2, "both workers run a job");
        var pids = pool.WorkerProcessIds;

        pool.Dispose();
        Assert.All(pids, pid => Assert.True(IsGone(pid), $"worker {pid} is still running after Dispose"));
        foreach (var job in jobs)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync(Wait.Bound));
        }

        Assert.True(pool.Completion.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => { _ = pool.Submit(PoolJobs.Square, 2); });
    }

    [Fact]
    public void Shutdown_runs_the_queued_jobs_first_then_ends_the_workers()
    {
        var pool = StartPool(workers: 1);
        var jobs = Enumerable.Range(1, 5).Select(n => pool.Submit(PoolJobs.Square, n)).ToList();
        Assert.True(pool.Shutdown(Wait.Bound));
        Assert.Equal([1, 4, 9, 16, 25], jobs.Select(j => j.Result));
        var error = Assert.Throws<InvalidOperationException>(() => { _ = pool.Submit(PoolJobs.Square, 2); });
        Assert.Contains("'test' is shut down", error.Message, StringComparison.Ordinal);
        Assert.Empty(pool.WorkerProcessIds);
    }

    [Fact]
    public void Workers_exit_when_their_parent_is_killed_with_SIGKILL()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(HostDll);
        info.ArgumentList.Add("pool-parent");
        using var parent = Process.Start(info)!;
        var line = parent.StandardOutput.ReadLine();
        Assert.NotNull(line);
        Assert.StartsWith("workers ", line, StringComparison.Ordinal);
        var pids = line["workers ".Length..].Split(' ').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, pids.Count);
        Assert.All(pids, pid => Assert.False(IsGone(pid)));

        parent.Kill();
        Assert.True(parent.WaitForExit(Wait.Bound));
        Wait.Until(() => pids.All(IsGone), $"workers {string.Join(", ", pids)} have exited after their parent was killed");
    }

    [Fact]
    public async Task A_worker_program_that_cannot_start_fails_each_job_with_the_reason_instead_of_hanging()
    {
        using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 1, Name = "test", FileName = "/nonexistent/worker", WorkerErrorOutput = null });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Submit(PoolJobs.Square, 2).WaitAsync(Wait.Bound));
        Assert.Contains("could not start a worker process (/nonexistent/worker)", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Submit(PoolJobs.Square, 3).WaitAsync(Wait.Bound));
    }

    [Fact]
    public async Task A_program_that_is_not_a_worker_is_reported_as_such()
    {
        using var pool = new ProcessPool(new ProcessPoolOptions { WorkerCount = 1, Name = "test", FileName = "/bin/echo", Arguments = ["hello"], WorkerErrorOutput = null });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.Submit(PoolJobs.Square, 2).WaitAsync(Wait.Bound));
        Assert.Contains("(/bin/echo hello)", error.Message, StringComparison.Ordinal);
        Assert.Contains("ProcessPoolWorker.RunAsync", error.Message, StringComparison.Ordinal);
    }

    private static ProcessPool StartPool(int workers, TimeSpan? cancelGrace = null, int? recycleAfter = null, int crashRetries = 0)
    {
        Assert.True(File.Exists(HostDll), $"test host not built at {HostDll}");
        return new ProcessPool(new ProcessPoolOptions
        {
            WorkerCount = workers,
            Name = "test",
            FileName = "dotnet",
            Arguments = [HostDll],
            CancelGrace = cancelGrace ?? TimeSpan.FromSeconds(5),
            RecycleAfterJobs = recycleAfter,
            CrashRetries = crashRetries,
            WorkerErrorOutput = null,
        });
    }

    /// <summary>Exited: no such process, or a zombie nobody has reaped yet.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}

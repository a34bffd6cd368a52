using System.Runtime.CompilerServices;
using Threadwork.Tests.Support;
using Threadwork.Workers;

namespace Threadwork.Tests.Workers;

public class WorkerTests
{
    [Fact]
    public void Join_returns_after_the_body_ran_once()
    {
        var ran = 0;
        var worker = new Worker("w", _ => Interlocked.Increment(ref ran));
        worker.Start();
        worker.Join();
        Assert.Equal(1, ran);
        Assert.False(worker.IsAlive);
        Assert.True(worker.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_thread_carries_the_workers_name_and_background_flag()
    {
        var seen = new Worker<(string?, bool)>("named", _ => (Thread.CurrentThread.Name, Thread.CurrentThread.IsBackground)) { IsBackground = true };
        seen.Start();
        Assert.Equal(("named", true), seen.Result);

        var foreground = new Worker<bool>("fg", _ => Thread.CurrentThread.IsBackground);
        foreground.Start();
        Assert.False(foreground.Result);
    }

    [Fact]
    public void Starting_twice_is_an_error_naming_the_worker()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Worker("twice", _ => release.Wait());
        worker.Start();
        var error = Assert.Throws<InvalidOperationException>(worker.Start);
        Assert.Contains("'twice'", error.Message, StringComparison.Ordinal);
        Assert.Contains("already started", error.Message, StringComparison.Ordinal);
        release.Set();
        worker.Join();
    }

    [Fact]
    public void Racing_starts_run_the_body_exactly_once()
    {
        for (var round = 0; round < 200; round++)
        {
            var runs = 0;
            var worker = new Worker("race", _ => Interlocked.Increment(ref runs));
            var successes = 0;
            var failures = 0;
            using var barrier = new Barrier(4);
            var starters = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
            {
                barrier.SignalAndWait();
                try
                {
                    worker.Start();
                    Interlocked.Increment(ref successes);
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                }
            })).ToList();
            starters.ForEach(t => t.Start());
            starters.ForEach(t => t.Join());
            worker.Join();
            Assert.Equal((1, 3, 1), (successes, failures, runs));
        }
    }

    [Fact]
    public void Join_before_start_is_an_error()
    {
        var worker = new Worker("early", _ => { });
        var error = Assert.Throws<InvalidOperationException>(worker.Join);
        Assert.Contains("before it is started", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => worker.Join(TimeSpan.Zero));
        Assert.ThrowsAsync<InvalidOperationException>(() => worker.JoinAsync()).GetAwaiter().GetResult();
    }

    [Fact]
    public void A_worker_stopped_before_start_never_runs()
    {
        var ran = false;
        var worker = new Worker("never", _ => ran = true);
        worker.Stop();
        var error = Assert.Throws<InvalidOperationException>(worker.Start);
        Assert.Contains("stopped before it started", error.Message, StringComparison.Ordinal);
        Assert.True(worker.Join(TimeSpan.Zero));
        Assert.True(worker.Completion.IsCanceled);
        Assert.True(worker.Started.IsCanceled);
        Assert.False(ran);
    }

    [Fact]
    public void Join_rethrows_the_bodys_exception_with_its_original_stack()
    {
        var worker = new Worker("faulty", _ => ThrowFromTheBody());
        worker.Start();
        var error = Assert.Throws<FormatException>(worker.Join);
        Assert.Equal("bad line 7", error.Message);
        Assert.Contains(nameof(ThrowFromTheBody), error.StackTrace, StringComparison.Ordinal);

        // Every later join sees the same fault: it is kept, not consumed.
        Assert.Same(error, Assert.Throws<FormatException>(() => worker.Join(TimeSpan.FromSeconds(1))));
        Assert.Same(error, Assert.ThrowsAsync<FormatException>(() => worker.JoinAsync()).GetAwaiter().GetResult());
        Assert.True(worker.Completion.IsFaulted);
    }

    [Fact]
    public void Result_is_the_bodys_value_or_its_fault()
    {
        var sum = new Worker<long>("sum", _ => Enumerable.Range(1, 100).Sum(i => (long)i));
        sum.Start();
        Assert.Equal(5050, sum.Result);

        var failing = new Worker<int>("failing", _ => throw new InvalidDataException("no value"));
        failing.Start();
        Assert.Equal("no value", Assert.Throws<InvalidDataException>(() => failing.Result).Message);

        Assert.Throws<InvalidOperationException>(() => new Worker<int>("unstarted", _ => 1).Result);
    }

    [Fact]
    public void Stop_ends_a_sleeping_body_and_stopping_is_not_a_fault()
    {
        var sleptFully = true;
        var worker = new Worker("sleeper", ctx => sleptFully = ctx.Sleep(Timeout.InfiniteTimeSpan));
        worker.Start();
        worker.Started.Wait();
        worker.Stop();
        Assert.True(worker.Join(Wait.Bound));
        Assert.False(sleptFully);
        Assert.True(worker.IsStopRequested);
    }

    [Fact]
    public void A_body_that_ends_by_observing_the_stop_is_cancelled_and_join_does_not_throw()
    {
        var worker = new Worker<int>("cancellable", ctx =>
        {
            Task.Delay(Timeout.Infinite, ctx.StopToken).GetAwaiter().GetResult();
            return 1;
        });
        worker.Start();
        worker.Started.Wait();
        worker.Stop();
        worker.Join();
        worker.JoinAsync().GetAwaiter().GetResult();
        Assert.True(worker.Completion.IsCanceled);
        var error = Assert.Throws<OperationCanceledException>(() => worker.Result);
        Assert.Contains("'cancellable' was stopped", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_with_a_timeout_returns_false_while_the_body_runs()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Worker("slow", _ => release.Wait());
        worker.Start();
        Assert.False(worker.Join(TimeSpan.FromMilliseconds(20)));
        Assert.True(worker.IsAlive);
        release.Set();
        Assert.True(worker.Join(Wait.Bound));
    }

    [Fact]
    public void A_worker_cannot_join_itself()
    {
        Worker? self = null;
        self = new Worker("self", _ => self!.Join());
        self.Start();
        var error = Assert.Throws<InvalidOperationException>(self.Join);
        Assert.Contains("cannot join itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Started_completes_on_entry_when_the_body_does_not_signal()
    {
        using var release = new ManualResetEventSlim();
        var worker = new Worker("plain", _ => release.Wait());
        worker.Start();
        Assert.True(worker.Started.Wait(Wait.Bound));
        Assert.False(worker.Completion.IsCompleted);
        release.Set();
        worker.Join();
    }

    [Fact]
    public void Started_waits_for_the_bodys_signal()
    {
        using var reachedSetup = new ManualResetEventSlim();
        using var finishSetup = new ManualResetEventSlim();
        var worker = new Worker("signalling", ctx =>
        {
            reachedSetup.Set();
            finishSetup.Wait();
            ctx.SignalStarted();
            ctx.SignalStarted();
        })
        { SignalsStarted = true };
        worker.Start();
        reachedSetup.Wait();
        Assert.False(worker.Started.IsCompleted);
        finishSetup.Set();
        Assert.True(worker.Started.Wait(Wait.Bound));
        worker.Join();
    }

    [Fact]
    public void Started_faults_when_the_body_fails_before_signalling()
    {
        var worker = new Worker("broken-setup", _ => throw new IOException("config file missing")) { SignalsStarted = true };
        worker.Start();
        var error = Assert.ThrowsAsync<IOException>(() => worker.Started).GetAwaiter().GetResult();
        Assert.Equal("config file missing", error.Message);
        Assert.Same(error, Assert.Throws<IOException>(worker.Join));
    }

    [Fact]
    public void Bad_construction_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new Worker(" ", _ => { }));
        Assert.Throws<ArgumentNullException>(() => new Worker("x", null!));
        Assert.Throws<ArgumentNullException>(() => new Worker<int>("x", null!));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromTheBody() => throw new FormatException("bad line 7");
}

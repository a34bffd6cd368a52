using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Threadwork.Coroutines;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Coroutines;

public sealed class CoroutineSchedulerTests
{
    // Recipe 12.12's generators, writing to a list instead of printing.
    private static IEnumerable<Suspend> Countdown(int n, List<string> output)
    {
        while (n > 0)
        {
            output.Add($"T-minus {n}");
            yield return Suspend.Yield;
            n--;
        }

        output.Add("Blastoff!");
    }

    private static IEnumerable<Suspend> Countup(int n, List<string> output)
    {
        for (var x = 0; x < n; x++)
        {
            output.Add($"Counting up {x}");
            yield return default;
        }
    }

    private static void RunBounded(CoroutineScheduler scheduler)
    {
        using var bound = new CancellationTokenSource(Wait.Bound);
        scheduler.Run(bound.Token);
    }

    [Fact]
    public void Plain_yields_interleave_exactly_like_the_seed_TaskScheduler()
    {
        // The reference: the seed's run() loop itself (deque, popleft, next, append unless StopIteration),
        // driving the same iterators directly, without the scheduler.
        var expected = new List<string>();
        var deque = new Queue<IEnumerator<Suspend>>([
            Countdown(10, expected).GetEnumerator(), Countdown(5, expected).GetEnumerator(), Countup(15, expected).GetEnumerator()]);
        while (deque.TryDequeue(out var task))
        {
            if (task.MoveNext())
            {
                deque.Enqueue(task);
            }
        }

        var actual = new List<string>();
        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("countdown(10)", Countdown(10, actual));
        scheduler.Spawn("countdown(5)", Countdown(5, actual));
        scheduler.Spawn("countup(15)", Countup(15, actual));
        RunBounded(scheduler);

        Assert.Equal(32, expected.Count);
        Assert.Equal(["T-minus 10", "T-minus 5", "Counting up 0", "T-minus 9"], expected.Take(4));
        Assert.Equal(expected, actual);
        Assert.Equal(0, scheduler.UnfinishedCount);
        Assert.Equal(10 + 1 + 5 + 1 + 15 + 1, scheduler.Switches);
    }

    [Fact]
    public void Sleepers_wake_in_deadline_order_and_equal_deadlines_in_the_order_they_slept()
    {
        var woke = new List<string>();
        var slept = new Dictionary<string, TimeSpan>();
        IEnumerable<Suspend> Sleeper(string name, int milliseconds)
        {
            var clock = Stopwatch.StartNew();
            yield return Suspend.For(TimeSpan.FromMilliseconds(milliseconds));
            slept[name] = clock.Elapsed;
            woke.Add(name);
        }

        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("c-90", Sleeper("c-90", 90));
        scheduler.Spawn("a-30", Sleeper("a-30", 30));
        scheduler.Spawn("b-60", Sleeper("b-60", 60));
        scheduler.Spawn("d-0", Sleeper("d-0", 0));
        scheduler.Spawn("a-30-second", Sleeper("a-30-second", 30));
        RunBounded(scheduler);

        Assert.Equal(["d-0", "a-30", "a-30-second", "b-60", "c-90"], woke);
        Assert.True(slept["c-90"] >= TimeSpan.FromMilliseconds(90), $"c-90 woke after {slept["c-90"].TotalMilliseconds} ms");
        Assert.True(slept["a-30"] >= TimeSpan.FromMilliseconds(30), $"a-30 woke after {slept["a-30"].TotalMilliseconds} ms");
    }

    [Fact]
    public void A_sleeping_coroutine_does_not_hold_up_the_ready_ones()
    {
        var sleeperDone = false;
        var spinsWhileAsleep = 0;
        IEnumerable<Suspend> Sleeper()
        {
            yield return Suspend.For(TimeSpan.FromMilliseconds(50));
            sleeperDone = true;
        }

        IEnumerable<Suspend> Spinner()
        {
            while (!sleeperDone)
            {
                spinsWhileAsleep++;
                yield return Suspend.Yield;
            }
        }

        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("sleeper", Sleeper());
        scheduler.Spawn("spinner", Spinner());
        RunBounded(scheduler);

        Assert.True(sleeperDone);
        Assert.True(spinsWhileAsleep > 1, $"the spinner ran {spinsWhileAsleep} times while the other slept");
    }

    [Fact]
    public void A_coroutine_resumes_when_its_socket_becomes_readable_and_reads_what_another_sent()
    {
        using var pair = SocketPair.Open();
        var received = new List<string>();
        IEnumerable<Suspend> Reader()
        {
            var buffer = new byte[64];
            while (true)
            {
                yield return Suspend.UntilReadable(pair.Server);
                var n = pair.Server.Receive(buffer);
                if (n == 0)
                {
                    yield break;
                }

                received.Add(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            }
        }

        IEnumerable<Suspend> Writer()
        {
            yield return Suspend.For(TimeSpan.FromMilliseconds(20));
            pair.Client.Send("first"u8);
            yield return Suspend.For(TimeSpan.FromMilliseconds(20));
            pair.Client.Send("second"u8);
            pair.Client.Shutdown(SocketShutdown.Send);
        }

        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("reader", Reader());
        scheduler.Spawn("writer", Writer());
        RunBounded(scheduler);

        Assert.Equal(["first", "second"], received);
    }

    [Fact]
    public void A_listening_socket_is_readable_when_a_connection_waits_and_many_socket_waits_share_one_poll()
    {
        const int Clients = 20;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Clients);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var greetings = new List<string>();
        var scheduler = new CoroutineScheduler();

        IEnumerable<Suspend> Handler(Socket connection)
        {
            using (connection)
            {
                var buffer = new byte[64];
                yield return Suspend.UntilReadable(connection);
                greetings.Add(System.Text.Encoding.ASCII.GetString(buffer, 0, connection.Receive(buffer)));
            }
        }

        IEnumerable<Suspend> Acceptor()
        {
            for (var i = 0; i < Clients; i++)
            {
                yield return Suspend.UntilReadable(listener);
                scheduler.Spawn($"handler-{i}", Handler(listener.Accept()));
            }
        }

        scheduler.Spawn("acceptor", Acceptor());
        var clients = Task.Run(() =>
        {
            var sockets = new List<Socket>();
            for (var i = 0; i < Clients; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(IPAddress.Loopback, port);
                sockets.Add(socket);
            }

            // Every handler is now suspended on its own socket; then all of them get their greeting.
            for (var i = 0; i < Clients; i++)
            {
                sockets[i].Send(System.Text.Encoding.ASCII.GetBytes($"hello {i}"));
            }

            return sockets;
        });
        RunBounded(scheduler);
        foreach (var socket in clients.Result)
        {
            socket.Dispose();
        }

        Assert.Equal(Enumerable.Range(0, Clients).Select(i => $"hello {i}").Order(), greetings.Order());
    }

    [Fact]
    public void A_writer_suspended_on_a_full_send_buffer_resumes_as_the_reader_drains_it_and_every_byte_arrives_once()
    {
        using var pair = SocketPair.Open();
        pair.Client.Blocking = false;
        pair.Client.NoDelay = true;
        pair.Client.SendBufferSize = 65536;
        pair.Server.ReceiveBufferSize = 65536;
        const int Total = 1_000_000;
        long received = 0;
        long checksum = 0;
        var outOfOrder = 0;
        var writerSuspensions = 0;

        IEnumerable<Suspend> Writer()
        {
            var chunk = new byte[16384];
            var sent = 0;
            while (sent < Total)
            {
                var size = Math.Min(chunk.Length, Total - sent);
                for (var i = 0; i < size; i++)
                {
                    chunk[i] = (byte)(sent + i);
                }

                var n = pair.Client.Send(chunk, 0, size, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    writerSuspensions++;
                    yield return Suspend.UntilWritable(pair.Client);
                    continue;
                }

                Assert.Equal(SocketError.Success, error);
                sent += n;
            }

            pair.Client.Shutdown(SocketShutdown.Send);
        }

        IEnumerable<Suspend> Reader()
        {
            var buffer = new byte[8192];
            while (true)
            {
                yield return Suspend.UntilReadable(pair.Server);
                var n = pair.Server.Receive(buffer);
                if (n == 0)
                {
                    yield break;
                }

                for (var i = 0; i < n; i++)
                {
                    outOfOrder += buffer[i] == (byte)(received + i) ? 0 : 1;
                    checksum += buffer[i];
                }

                received += n;
            }
        }

        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("writer", Writer());
        scheduler.Spawn("reader", Reader());
        RunBounded(scheduler);

        Assert.Equal(Total, received);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(Enumerable.Range(0, Total).Sum(i => (long)(byte)i), checksum);
        Assert.True(writerSuspensions > 0, "the send buffer never filled, so the writable wait was not exercised");
    }

    [Fact]
    public void Actors_send_each_other_messages_by_name_without_recursion_and_the_run_ends_when_no_message_can_come()
    {
        // The recipe's ActorScheduler demo: counter sends printer n and itself n-1, down to 0.
        var printed = new List<int>();
        var scheduler = new CoroutineScheduler();
        IEnumerable<Suspend> Printer(Coroutine self)
        {
            while (true)
            {
                yield return Suspend.UntilMessage;
                while (self.TryTakeMessage(out var message))
                {
                    printed.Add((int)message!);
                }
            }
        }

        IEnumerable<Suspend> Counter(Coroutine self)
        {
            while (true)
            {
                yield return Suspend.UntilMessage;
                Assert.True(self.TryTakeMessage(out var message));
                var n = (int)message!;
                if (n == 0)
                {
                    yield break;
                }

                scheduler.Send("printer", n);
                self.Send(n - 1);
            }
        }

        var printer = scheduler.Spawn("printer", self => Printer(self));
        var counter = scheduler.Spawn("counter", self => Counter(self));
        scheduler.Send("counter", 10_000);
        RunBounded(scheduler);

        Assert.Equal(Enumerable.Range(1, 10_000).Reverse(), printed);
        Assert.Equal(CoroutineState.Completed, counter.State);
        Assert.Equal(CoroutineState.Stranded, printer.State);
        Assert.Equal(0, scheduler.UnfinishedCount);
    }

    [Fact]
    public void A_coroutine_waiting_for_another_resumes_after_it_finishes_however_it_finishes()
    {
        var events = new List<string>();
        var scheduler = new CoroutineScheduler { FaultReporter = c => events.Add($"fault {c.Name}") };
        IEnumerable<Suspend> Worker(int steps, bool fail)
        {
            for (var i = 0; i < steps; i++)
            {
                yield return Suspend.Yield;
            }

            events.Add(fail ? "worker throws" : "worker done");
            if (fail)
            {
                throw new InvalidOperationException("worker failed");
            }
        }

        var good = scheduler.Spawn("good", Worker(3, fail: false));
        var bad = scheduler.Spawn("bad", Worker(5, fail: true));
        IEnumerable<Suspend> Joiner()
        {
            yield return Suspend.UntilCompleted(good);
            events.Add($"good is {good.State}");
            yield return Suspend.UntilCompleted(bad);
            events.Add($"bad is {bad.State}: {bad.Fault!.Message}");
            yield return Suspend.UntilCompleted(good);
            events.Add("already finished: resumed at once");
        }

        scheduler.Spawn("joiner", Joiner());
        RunBounded(scheduler);

        Assert.Equal(
            ["worker done", "good is Completed", "worker throws", "fault bad", "bad is Faulted: worker failed", "already finished: resumed at once"],
            events);
    }

    [Fact]
    public void A_throwing_coroutine_is_reported_by_name_after_the_others_ran_to_their_end()
    {
        var finished = new List<string>();
        IEnumerable<Suspend> Steady(string name, int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                yield return Suspend.Yield;
            }

            finished.Add(name);
        }

        IEnumerable<Suspend> Failing()
        {
            yield return Suspend.Yield;
            throw new FormatException("line 7 has 3 fields");
        }

        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("steady-1", Steady("steady-1", 10));
        var failing = scheduler.Spawn("parser", Failing());
        scheduler.Spawn("steady-2", Steady("steady-2", 20));

        var thrown = Assert.Throws<CoroutineFaultedException>(() => RunBounded(scheduler));

        Assert.Equal(["steady-1", "steady-2"], finished);
        Assert.Same(failing, Assert.Single(thrown.Faulted));
        Assert.IsType<FormatException>(thrown.InnerException);
        Assert.Contains("'parser' failed with FormatException: line 7 has 3 fields", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(CoroutineState.Faulted, failing.State);
    }

    [Fact]
    public void With_a_fault_reporter_every_fault_is_reported_as_it_happens_and_Run_returns()
    {
        var reported = new List<string>();
        IEnumerable<Suspend> Failing(int after)
        {
            for (var i = 0; i < after; i++)
            {
                yield return Suspend.Yield;
            }

            throw new InvalidOperationException($"failed after {after}");
        }

        var scheduler = new CoroutineScheduler { FaultReporter = c => reported.Add($"{c.Name}: {c.Fault!.Message}") };
        scheduler.Spawn("late", Failing(3));
        scheduler.Spawn("early", Failing(1));
        var steady = scheduler.Spawn("steady", Enumerable.Repeat(Suspend.Yield, 10));
        RunBounded(scheduler);

        Assert.Equal(["early: failed after 1", "late: failed after 3"], reported);
        Assert.Equal(CoroutineState.Completed, steady.State);
    }

    [Fact]
    public void An_idle_scheduler_sleeps_instead_of_spinning()
    {
        IEnumerable<Suspend> Sleeper(int milliseconds)
        {
            yield return Suspend.For(TimeSpan.FromMilliseconds(milliseconds));
        }

        using var pair = SocketPair.Open();
        IEnumerable<Suspend> SocketWaiter()
        {
            yield return Suspend.UntilReadable(pair.Server);
        }

        IEnumerable<Suspend> LateWriter()
        {
            yield return Suspend.For(TimeSpan.FromMilliseconds(300));
            pair.Client.Send("wake"u8);
        }

        foreach (var withSocket in new[] { false, true })
        {
            var scheduler = new CoroutineScheduler();
            scheduler.Spawn("sleeper-300", Sleeper(300));
            scheduler.Spawn("sleeper-150", Sleeper(150));
            if (withSocket)
            {
                scheduler.Spawn("socket-waiter", SocketWaiter());
                scheduler.Spawn("late-writer", LateWriter());
            }

            // The scheduler runs on this thread: its CPU time is the scheduler's, whatever other tests do meanwhile.
            var cpuBefore = ThreadCpuTime.Now;
            var clock = Stopwatch.StartNew();
            RunBounded(scheduler);
            var wall = clock.Elapsed;
            var used = ThreadCpuTime.Now - cpuBefore;

            // A busy loop would burn a whole core for the 300 ms; sleeping costs a few milliseconds.
            Assert.True(wall >= TimeSpan.FromMilliseconds(300), $"the run ended after {wall.TotalMilliseconds} ms");
            Assert.True(used < wall / 2, $"with socket: {withSocket}: {used.TotalMilliseconds} ms of CPU over {wall.TotalMilliseconds} ms idle");
            Assert.True(scheduler.Switches <= 8, $"{scheduler.Switches} resumptions for {(withSocket ? 4 : 2)} coroutines that each wait once");

            // The same, independent of how much CPU a busy machine would have given a spinning loop: each
            // wake-up is for a deadline or a socket (two or three of them), give or take an early return.
            Assert.True(scheduler.SleeperAndSocketChecks <= 20, $"with socket: {withSocket}: {scheduler.SleeperAndSocketChecks} wake-ups over {wall.TotalMilliseconds} ms of idle waiting");
        }
    }

    [Fact]
    public void Cancelling_ends_a_run_asleep_in_its_socket_poll_and_disposes_the_coroutines()
    {
        using var pair = SocketPair.Open();
        var cleanedUp = new List<string>();
        IEnumerable<Suspend> Waiter()
        {
            try
            {
                yield return Suspend.UntilReadable(pair.Server);
            }
            finally
            {
                cleanedUp.Add("socket waiter");
            }
        }

        IEnumerable<Suspend> Sleeper()
        {
            try
            {
                yield return Suspend.For(TimeSpan.FromHours(1));
            }
            finally
            {
                cleanedUp.Add("sleeper");
            }
        }

        foreach (var withSocket in new[] { true, false })
        {
            cleanedUp.Clear();
            var scheduler = new CoroutineScheduler();
            var coroutine = withSocket ? scheduler.Spawn("waiter", Waiter()) : scheduler.Spawn("sleeper", Sleeper());
            using var cancel = new CancellationTokenSource();
            var running = Task.Run(() => scheduler.Run(cancel.Token));
            Wait.Until(() => scheduler.Switches == 1, "the coroutine has suspended");
            Assert.False(running.Wait(50));

            cancel.Cancel();

            Assert.Throws<OperationCanceledException>(() => running.GetAwaiter().GetResult());
            Assert.Equal(CoroutineState.Cancelled, coroutine.State);
            Assert.Equal([withSocket ? "socket waiter" : "sleeper"], cleanedUp);
        }
    }

    [Fact]
    public void Misuse_is_refused_with_a_message_that_names_the_coroutines()
    {
        var scheduler = new CoroutineScheduler();
        scheduler.Spawn("same", Enumerable.Empty<Suspend>());
        var duplicate = Assert.Throws<ArgumentException>(() => scheduler.Spawn("same", Enumerable.Empty<Suspend>()));
        Assert.Contains("'same' is still unfinished", duplicate.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<InvalidOperationException>(() => scheduler.Send("nobody", 1));
        Assert.Contains("'nobody'", unknown.Message, StringComparison.Ordinal);

        using var pair = SocketPair.Open();
        IEnumerable<Suspend> ReadWaiter()
        {
            yield return Suspend.UntilReadable(pair.Server);
        }

        IEnumerable<Suspend> Nested()
        {
            scheduler.Run();
            yield break;
        }

        IEnumerable<Suspend> SelfJoin(Coroutine self)
        {
            yield return Suspend.UntilCompleted(self);
        }

        IEnumerable<Suspend> Writer()
        {
            yield return Suspend.Yield;
            pair.Client.Send("x"u8);
        }

        scheduler.Spawn("first-reader", ReadWaiter());
        var second = scheduler.Spawn("second-reader", ReadWaiter());
        var nested = scheduler.Spawn("nested", Nested());
        var selfJoin = scheduler.Spawn("self-join", self => SelfJoin(self));
        scheduler.Spawn("writer", Writer());
        var thrown = Assert.Throws<CoroutineFaultedException>(() => RunBounded(scheduler));

        Assert.Equal([second, nested, selfJoin], thrown.Faulted.OrderBy(c => c.Name == "second-reader" ? 0 : c.Name == "nested" ? 1 : 2));
        Assert.Contains("'second-reader' waited to read a socket that coroutine 'first-reader' already waits to read", second.Fault!.Message, StringComparison.Ordinal);
        Assert.Contains("already running", nested.Fault!.Message, StringComparison.Ordinal);
        Assert.Contains("completion of itself", selfJoin.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_thread_cannot_spawn_or_send_while_the_scheduler_runs()
    {
        var scheduler = new CoroutineScheduler();
        Exception? fromOtherThread = null;
        using var attempted = new ManualResetEventSlim();
        IEnumerable<Suspend> Waiting()
        {
            while (!attempted.IsSet)
            {
                yield return Suspend.For(TimeSpan.FromMilliseconds(5));
            }
        }

        var coroutine = scheduler.Spawn("waiting", Waiting());
        var other = new Thread(() =>
        {
            Wait.Until(() => scheduler.Switches > 0, "the run has started");
            fromOtherThread = Record.Exception(() => coroutine.Send("hi"));
            attempted.Set();
        });
        other.Start();
        RunBounded(scheduler);
        other.Join();

        Assert.IsType<InvalidOperationException>(fromOtherThread);
        Assert.Contains("belongs to the thread that runs it", fromOtherThread.Message, StringComparison.Ordinal);
    }
}

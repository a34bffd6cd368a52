using System.Diagnostics;
using System.Net.Sockets;

namespace Threadwork.Coroutines;

/// <summary>
/// Runs coroutines written as C# iterators on the calling thread, round-robin: each one runs until its
/// next <c>yield return</c>, and what it yields (<see cref="Suspend"/>) says when it may run again — at
/// once after the others (a plain yield), after a duration, when a socket is readable or writable, when
/// a message is in its mailbox, or when another coroutine has finished. Recipe 12.12's TaskScheduler,
/// ActorScheduler and select-based network scheduler in one.
/// </summary>
/// <remarks>
/// <para>No threads, no locks: a scheduler and its coroutines belong to the thread that calls
/// <see cref="Run"/>. Spawning and sending are for that thread (or any one thread before the run);
/// a call from another thread during the run throws.</para>
/// <para>All socket waits go into one poll. When no coroutine is ready, the scheduler sleeps in that
/// poll (or, with no socket waits, in a plain wait) until the nearest sleeper is due, a socket is ready,
/// or the run is cancelled: an idle scheduler uses no CPU.</para>
/// <para>Fault policy: a coroutine that throws ends (<see cref="CoroutineState.Faulted"/>, with its
/// exception in <see cref="Coroutine.Fault"/>), and the others go on. The fault goes to
/// <see cref="FaultReporter"/> at once if there is one; otherwise <see cref="Run"/> throws a
/// <see cref="CoroutineFaultedException"/> naming every failed coroutine once all have finished.</para>
/// </remarks>
/// <example>
/// <code>
/// var scheduler = new CoroutineScheduler();
/// scheduler.Spawn("countdown", Countdown(10));
/// scheduler.Spawn("printer", self => Printer(self));
/// scheduler.Send("printer", "hello");
/// scheduler.Run(cancellationToken);
///
/// static IEnumerable&lt;Suspend&gt; Printer(Coroutine self)
/// {
///     while (true)
///     {
///         yield return Suspend.UntilMessage;
///         while (self.TryTakeMessage(out var message)) Console.WriteLine($"Got: {message}");
///     }
/// }
/// </code>
/// </example>
public sealed class CoroutineScheduler
{
    /// <summary>Stopwatch ticks per TimeSpan tick, to turn sleep durations into deadlines.</summary>
    private static readonly double StopwatchTicksPerTimeSpanTick = Stopwatch.Frequency / (double)TimeSpan.TicksPerSecond;

    /// <summary>Coroutines that may run, in the order they became ready.</summary>
    private readonly ReadyQueue _ready = new();

    /// <summary>Sleeping coroutines by (deadline in Stopwatch ticks, sequence): equal deadlines wake in the order they slept.</summary>
    private readonly PriorityQueue<Coroutine, (long Deadline, long Sequence)> _sleepers = new();

    /// <summary>Every unfinished coroutine by name, for <see cref="Send"/> and for ending the stranded ones.</summary>
    private readonly Dictionary<string, Coroutine> _unfinished = new(StringComparer.Ordinal);

    /// <summary>Coroutines waiting on socket readiness.</summary>
    private readonly SocketWaits _sockets = new();

    /// <summary>Faults of this run not yet thrown (only when there is no <see cref="FaultReporter"/>), in the order they happened.</summary>
    private readonly List<Coroutine> _unreported = [];

    /// <summary>Hands <see cref="MakeReady"/> to the socket poll without allocating a delegate per poll.</summary>
    private readonly Action<Coroutine> _makeReady;

    /// <summary>Resumptions so far; see <see cref="Switches"/>.</summary>
    private long _switches;

    /// <summary>How many times the run checked its sleepers and sockets; see <see cref="SleeperAndSocketChecks"/>.</summary>
    private long _checks;

    /// <summary>Breaks ties between sleepers with the same deadline.</summary>
    private long _sleepSequence;

    /// <summary>The managed id of the thread inside <see cref="Run"/>; 0 when no run is in progress.</summary>
    private int _runningThread;

    /// <summary>Creates a scheduler with no coroutines.</summary>
    public CoroutineScheduler()
    {
        _makeReady = MakeReady;
    }

    /// <summary>
    /// Called on the scheduler's thread as soon as a coroutine fails (its <see cref="Coroutine.Fault"/> is
    /// set). With a reporter, <see cref="Run"/> does not throw for faults; without one, it throws a
    /// <see cref="CoroutineFaultedException"/> at the end. A reporter that throws ends the run with that
    /// exception, cancelling the coroutines left.
    /// </summary>
    public Action<Coroutine>? FaultReporter { get; init; }

    /// <summary>How many times a coroutine has been resumed (each resumption runs it to its next yield or its end).</summary>
    public long Switches => _switches;

    /// <summary>How many coroutines are spawned and not finished.</summary>
    public int UnfinishedCount => _unfinished.Count;

    /// <summary>
    /// Adds a coroutine. It first runs, up to its first <c>yield return</c>, when its turn comes in
    /// <see cref="Run"/>, after the coroutines spawned before it.
    /// </summary>
    /// <param name="name">Its name: unique among unfinished coroutines; used by <see cref="Send"/> and in fault reports.</param>
    /// <param name="body">The iterator, e.g. <c>Countdown(10)</c>.</param>
    /// <returns>The coroutine's handle.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, white space, or already the name of an unfinished coroutine.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the scheduler runs.</exception>
    public Coroutine Spawn(string name, IEnumerable<Suspend> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Spawn(name, _ => body);
    }

    /// <summary>
    /// Adds a coroutine whose body gets its own handle, to read its mailbox or send itself messages.
    /// <paramref name="body"/> is called at once; the iterator it returns first runs when its turn comes.
    /// </summary>
    /// <param name="name">Its name: unique among unfinished coroutines; used by <see cref="Send"/> and in fault reports.</param>
    /// <param name="body">Creates the iterator from the handle, e.g. <c>self =&gt; Printer(self)</c>.</param>
    /// <returns>The coroutine's handle.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, white space, or already the name of an unfinished coroutine.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="body"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Called from another thread while the scheduler runs.</exception>
    public Coroutine Spawn(string name, Func<Coroutine, IEnumerable<Suspend>> body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(body);
        CheckOwningThread();
        if (_unfinished.ContainsKey(name))
        {
            throw new ArgumentException($"A coroutine named '{name}' is still unfinished; unfinished coroutines need distinct names.", nameof(name));
        }

        var coroutine = new Coroutine(this, name);
        coroutine.SetBody(body(coroutine).GetEnumerator());
        _unfinished.Add(name, coroutine);
        _ready.Enqueue(coroutine);
        return coroutine;
    }

    /// <summary>
    /// Puts <paramref name="message"/> in the mailbox of the unfinished coroutine named <paramref name="name"/>
    /// (the recipe's <c>sched.send(name, msg)</c>); see <see cref="Coroutine.Send"/>.
    /// </summary>
    /// <param name="name">The receiver's name.</param>
    /// <param name="message">Any value, null included.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="InvalidOperationException">No unfinished coroutine has that name (the recipe drops such a message silently), or the call came from another thread while the scheduler runs.</exception>
    public void Send(string name, object? message)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckOwningThread();
        if (!_unfinished.TryGetValue(name, out var receiver))
        {
            throw new InvalidOperationException($"Cannot send to '{name}': no unfinished coroutine has that name.");
        }

        receiver.Send(message);
    }

    /// <summary>
    /// Runs the coroutines on the calling thread until every one has finished, or until those left can never
    /// resume: they wait for messages or completions that nothing left can produce (the recipe's actor
    /// scheduler stops the same way, when its message queue is empty). Those are ended as
    /// <see cref="CoroutineState.Stranded"/>. Sleeps, without using CPU, whenever no coroutine is ready.
    /// </summary>
    /// <param name="cancellationToken">Ends the run, even while it sleeps: the unfinished coroutines are disposed (their <c>finally</c> blocks run) as <see cref="CoroutineState.Cancelled"/>. Coroutines that had faulted keep their exception in <see cref="Coroutine.Fault"/>; the cancelled run throws <see cref="OperationCanceledException"/>, not a <see cref="CoroutineFaultedException"/>.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="CoroutineFaultedException">One or more coroutines threw and there is no <see cref="FaultReporter"/>; thrown after all have finished.</exception>
    /// <exception cref="InvalidOperationException">The scheduler is already running (a coroutine called Run, or another thread did).</exception>
    public void Run(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _runningThread, Environment.CurrentManagedThreadId, 0) != 0)
        {
            throw new InvalidOperationException("The scheduler is already running; Run cannot be called from a coroutine or from a second thread.");
        }

        WakeSignal? wake = null;
        var wakeOnCancel = default(CancellationTokenRegistration);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // One round: every coroutine ready now runs once; those it makes ready run next round,
                // after the sleepers and sockets have been checked, so no waiter starves.
                RunRound();

                if (_sleepers.Count == 0 && _sockets.IsEmpty)
                {
                    if (_ready.Count == 0)
                    {
                        break;
                    }

                    continue;
                }

                if (_ready.Count == 0 && !_sockets.IsEmpty && cancellationToken.CanBeCanceled && wake is null)
                {
                    wake = new WakeSignal();
                    wakeOnCancel = cancellationToken.UnsafeRegister(static state => ((WakeSignal)state!).Set(), wake);
                }

                WaitForSleepersAndSockets(block: _ready.Count == 0, wake, cancellationToken);
            }

            EndUnfinished(CoroutineState.Stranded);
        }
        catch
        {
            EndUnfinished(CoroutineState.Cancelled);

            // Faults of a run that ends early stay in each coroutine's Fault; a later run must not throw them as its own.
            _unreported.Clear();
            throw;
        }
        finally
        {
            // Disposing the registration waits for a wake in progress, so the signal is not used after it is disposed.
            wakeOnCancel.Dispose();
            wake?.Dispose();
            Volatile.Write(ref _runningThread, 0);
        }

        if (_unreported.Count > 0)
        {
            var faulted = _unreported.ToArray();
            _unreported.Clear();
            throw new CoroutineFaultedException(faulted);
        }
    }

    /// <summary>How many times the run checked its sleepers and sockets (each check waits when nothing is ready); a spinning scheduler would count thousands per idle second.</summary>
    internal long SleeperAndSocketChecks => _checks;

    /// <summary>Throws when a thread other than the running one touches the scheduler during a run.</summary>
    internal void CheckOwningThread()
    {
        var running = Volatile.Read(ref _runningThread);
        if (running != 0 && running != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException("A coroutine scheduler belongs to the thread that runs it: spawn and send from its coroutines, not from another thread.");
        }
    }

    /// <summary>Queues a coroutine to run in a coming round.</summary>
    internal void MakeReady(Coroutine coroutine) => _ready.Enqueue(coroutine);

    private static long ToStopwatchTicks(long timeSpanTicks) =>
        timeSpanTicks >= long.MaxValue / StopwatchTicksPerTimeSpanTick / 2 ? long.MaxValue / 2 : (long)(timeSpanTicks * StopwatchTicksPerTimeSpanTick);

    /// <summary>
    /// Whole milliseconds from now until <paramref name="deadline"/>, rounded up, at most int.MaxValue / 1000.
    /// Both waits have millisecond resolution (poll(2) truncates Socket.Select's microseconds), so a
    /// timeout rounded down would wake just before the deadline and spin on zero-length polls until it.
    /// </summary>
    private static int MillisecondsUntil(long deadline, long now)
    {
        var milliseconds = Math.Ceiling((deadline - now) * 1_000.0 / Stopwatch.Frequency);
        return milliseconds <= 0 ? 0 : milliseconds >= int.MaxValue / 1000 ? int.MaxValue / 1000 : (int)milliseconds;
    }

    /// <summary>
    /// Resumes every coroutine that is ready now, once each, in order, until its next yield; a plain yield goes
    /// straight to the next round (the hot path), other waits are filed by <see cref="Park"/>.
    /// Coroutines made ready during the round run in the next one.
    /// </summary>
    private void RunRound()
    {
        var round = _ready.TakeRound(out var count);
        for (var i = 0; i < count; i++)
        {
            var coroutine = round[i].Coroutine!;
            var body = coroutine.Body!;
            bool more;
            var next = default(Suspend);
            _switches++;
            try
            {
                more = body.MoveNext();
                if (more)
                {
                    next = body.Current;
                }
            }
#pragma warning disable CA1031 // The stated policy: whatever a coroutine throws is its fault, reported, and the others go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                End(coroutine, CoroutineState.Faulted, e);
                continue;
            }

            // Outside the try: only the body's own exceptions are its fault; a fault reporter that throws ends the run.
            if (!more)
            {
                End(coroutine, CoroutineState.Completed, fault: null);
            }
            else if (next.Kind == SuspendKind.Yield)
            {
                _ready.Enqueue(coroutine);
            }
            else
            {
                Park(coroutine, next);
            }
        }

        _ready.EndRound(round, count);
    }

    /// <summary>Files a coroutine under what it now waits for, other than a plain yield.</summary>
    private void Park(Coroutine coroutine, Suspend next)
    {
        switch (next.Kind)
        {
            case SuspendKind.Sleep:
                _sleepers.Enqueue(coroutine, (Stopwatch.GetTimestamp() + ToStopwatchTicks(next.Ticks), _sleepSequence++));
                break;
            case SuspendKind.Readable:
            case SuspendKind.Writable:
                WaitForSocket(coroutine, (Socket)next.Target!, next.Kind == SuspendKind.Writable);
                break;
            case SuspendKind.Message:
                if (coroutine.HasMessage)
                {
                    _ready.Enqueue(coroutine);
                }
                else
                {
                    coroutine.AwaitsMessage = true;
                }

                break;
            default:
                WaitForCompletion(coroutine, (Coroutine)next.Target!);
                break;
        }
    }

    private void WaitForSocket(Coroutine coroutine, Socket socket, bool forWriting)
    {
        if (_sockets.TryAdd(socket, forWriting, coroutine) is { } holder)
        {
            var direction = forWriting ? "write" : "read";
            End(coroutine, CoroutineState.Faulted, new InvalidOperationException(
                $"Coroutine '{coroutine.Name}' waited to {direction} a socket that coroutine '{holder.Name}' already waits to {direction}; one waiter per socket and direction."));
        }
    }

    private void WaitForCompletion(Coroutine coroutine, Coroutine other)
    {
        if (!ReferenceEquals(other.Scheduler, this) || ReferenceEquals(other, coroutine))
        {
            var why = ReferenceEquals(other, coroutine) ? "itself, which can never happen" : $"'{other.Name}' of another scheduler";
            End(coroutine, CoroutineState.Faulted, new InvalidOperationException($"Coroutine '{coroutine.Name}' waited for the completion of {why}."));
        }
        else if (other.IsFinished)
        {
            _ready.Enqueue(coroutine);
        }
        else
        {
            coroutine.AwaitsCompletion = true;
            other.AddJoiner(coroutine);
        }
    }

    /// <summary>
    /// Moves due sleepers and coroutines whose sockets are ready to the ready queue. With
    /// <paramref name="block"/>, first sleeps until the nearest deadline, a socket, or cancellation.
    /// </summary>
    private void WaitForSleepersAndSockets(bool block, WakeSignal? wake, CancellationToken cancellationToken)
    {
        _checks++;
        var now = Stopwatch.GetTimestamp();
        var milliseconds = 0;
        if (block)
        {
            milliseconds = _sleepers.TryPeek(out _, out var nearest) ? MillisecondsUntil(nearest.Deadline, now) : Timeout.Infinite;
        }

        if (!_sockets.IsEmpty)
        {
            _sockets.Poll(milliseconds == Timeout.Infinite ? Timeout.Infinite : milliseconds * 1000, wake?.Socket, _makeReady);
        }
        else if (milliseconds > 0)
        {
            // Only sleepers: a plain timed wait, which cancellation ends early.
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.WaitHandle.WaitOne(milliseconds);
            }
            else
            {
                Thread.Sleep(milliseconds);
            }
        }

        if (_sleepers.Count > 0)
        {
            now = Stopwatch.GetTimestamp();
            while (_sleepers.TryPeek(out var sleeper, out var due) && due.Deadline <= now)
            {
                _sleepers.Dequeue();
                _ready.Enqueue(sleeper);
            }
        }
    }

    /// <summary>Ends a coroutine, disposes its iterator, reports a fault, and wakes the coroutines waiting for it.</summary>
    private void End(Coroutine coroutine, CoroutineState state, Exception? fault)
    {
        _unfinished.Remove(coroutine.Name);
        var (body, joiners) = coroutine.End(state, fault);
        Dispose(coroutine, body);
        if (coroutine.State == CoroutineState.Faulted)
        {
            Report(coroutine);
        }

        if (joiners is not null)
        {
            foreach (var joiner in joiners)
            {
                // A joiner that failed or was ended meanwhile no longer waits.
                if (joiner.AwaitsCompletion)
                {
                    joiner.AwaitsCompletion = false;
                    _ready.Enqueue(joiner);
                }
            }
        }
    }

    /// <summary>Ends every unfinished coroutine as <paramref name="state"/>, at the end of a run.</summary>
    private void EndUnfinished(CoroutineState state)
    {
        _ready.Clear();
        _sleepers.Clear();
        _sockets.Clear();
        foreach (var coroutine in _unfinished.Values.ToList())
        {
            _unfinished.Remove(coroutine.Name);
            var (body, _) = coroutine.End(state, fault: null);
            Dispose(coroutine, body);
            if (coroutine.State == CoroutineState.Faulted)
            {
                Report(coroutine);
            }
        }

        // A finally block that sent or spawned has nothing left to run it.
        _ready.Clear();
    }

    private static void Dispose(Coroutine coroutine, IEnumerator<Suspend>? body)
    {
        try
        {
            body?.Dispose();
        }
#pragma warning disable CA1031 // A finally block of the iterator threw while it was disposed: that is the coroutine's fault.
        catch (Exception e) when (coroutine.State != CoroutineState.Faulted)
#pragma warning restore CA1031
        {
            coroutine.FaultWhileDisposing(e);
        }
    }

    private void Report(Coroutine coroutine)
    {
        if (FaultReporter is { } reporter)
        {
            reporter(coroutine);
        }
        else
        {
            _unreported.Add(coroutine);
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Threadwork.Queues;

namespace Threadwork.Selection;

/// <summary>
/// Waits on several <see cref="WorkQueue{T}"/>s (and sockets) at once and takes exactly one item from
/// whichever is ready first, like Go's <c>select</c> (recipe 12.13, without a socket pair per queue).
/// </summary>
/// <remarks>
/// <para>Exactly once. A select takes at most one item, from one case. While it waits it is registered
/// on every queue; the queue that claims it takes the item only after winning the claim, and every
/// other registration is withdrawn before the select returns, so racing puts, plain gets and other
/// selects on the same queues neither lose nor duplicate an item. A select that times out or is
/// cancelled takes nothing (if an item was handed over at that very moment, it is returned instead).</para>
/// <para>Fair. When several cases are ready, each is chosen with equal probability (the cases are
/// tried in a fresh random order every time), so one busy queue cannot starve the others.</para>
/// <para>No polling. A waiting select sleeps until the put, close or socket that satisfies it wakes it.</para>
/// <para>Closed queues. A queue closed and drained is always ready, reported as
/// <see cref="SelectOutcome.Closed"/> for its case; <see cref="Remove(int)"/> it to stop selecting on it.</para>
/// <para>Sockets. A case added with <see cref="AddReadable(Socket)"/> fires when its socket is readable:
/// data or the end of the stream (or an error) is waiting. Select reads nothing from it, and a socket
/// wait withdrawn because another case won is cancelled without consuming a byte.</para>
/// <para>Supported queues: every <see cref="WorkQueue{T}"/>, bounded or not, and
/// <see cref="PriorityWorkQueue{T}"/> (the highest-priority item is taken; a bounded queue admits its
/// next waiting producer). A selector is for one thread or async flow at a time: a second select on it
/// while one is under way throws. Reused, a blocking select over queues allocates nothing; an async
/// one allocates nothing of its own (a wait costs what a <see cref="WorkQueue{T}.GetAsync(CancellationToken)"/>
/// wait costs: the thread pool's dispatch of the continuation). Socket cases and async timeouts
/// allocate a little per wait.</para>
/// </remarks>
/// <typeparam name="T">The type of the queues' items.</typeparam>
/// <example>
/// <code>
/// var select = Select.From(orders, cancellations);
/// var socketCase = select.AddReadable(control);
/// var result = await select.WaitAsync(TimeSpan.FromSeconds(5), token);
/// if (result.HasItem) Handle(result.Queue!, result.Item!);
/// else if (result.Index == socketCase) ReadControl(control);
/// </code>
/// </example>
public sealed class Selector<T>
{
    /// <summary>The claim and the hand-over shared by every case.</summary>
    private readonly SelectSignal<T> _signal;

    /// <summary>Every case ever added, by index; removed ones stay, so indices never shift.</summary>
    private SelectCase<T>[] _cases = new SelectCase<T>[4];

    /// <summary>Cases added.</summary>
    private int _added;

    /// <summary>
    /// The indices of the active cases in its first <see cref="_active"/> slots, shuffled in place by
    /// each select; the slots after them hold removed ones.
    /// </summary>
    private int[] _order = new int[4];

    /// <summary>Active cases.</summary>
    private int _active;

    /// <summary>How many of <see cref="_order"/>'s first slots the waiting select registered, to be finished.</summary>
    private int _registered;

    /// <summary>State of the xorshift generator that shuffles the cases; owned by the selecting thread.</summary>
    private ulong _random;

    /// <summary>1 while a select (or a change of cases) is under way.</summary>
    private int _busy;

    /// <summary>Creates a selector with no cases; add them with <see cref="Add(WorkQueue{T})"/> and <see cref="AddReadable(Socket)"/>.</summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness",
        Justification = "The seed of a shuffle for fairness, not a secret.")]
    public Selector()
    {
        _signal = new SelectSignal<T>(this);
        _random = (ulong)Random.Shared.NextInt64() | 1;
    }

    /// <summary>Cases taking part (added and not removed).</summary>
    public int Count => _active;

    /// <summary>Adds a case that takes an item from <paramref name="queue"/>.</summary>
    /// <param name="queue">The queue.</param>
    /// <returns>The case's index, reported in <see cref="SelectResult{T}.Index"/>.</returns>
    /// <exception cref="InvalidOperationException">A select is under way on this selector.</exception>
    public int Add(WorkQueue<T> queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return AddCase(index => new QueueCase<T>(_signal, index, queue));
    }

    /// <summary>
    /// Adds a case that fires when <paramref name="socket"/> is readable: data or the end of the stream
    /// (or an error) is waiting, so the next receive will not block. The select reads nothing.
    /// </summary>
    /// <param name="socket">A connected stream socket (TCP or a Unix domain stream).</param>
    /// <returns>The case's index, reported in <see cref="SelectResult{T}.Index"/>.</returns>
    /// <exception cref="ArgumentException">The socket is not a connected stream socket (a listener or datagram socket cannot be watched without reading).</exception>
    /// <exception cref="InvalidOperationException">A select is under way on this selector.</exception>
    public int AddReadable(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (socket.SocketType != SocketType.Stream || !socket.Connected)
        {
            throw new ArgumentException("Select can watch only a connected stream socket: it waits with a zero-byte receive, which a listener cannot do and which would drop a datagram.", nameof(socket));
        }

        return AddCase(index => new SocketCase<T>(_signal, index, socket));
    }

    /// <summary>Stops case <paramref name="index"/> from taking part, typically once it reported <see cref="SelectOutcome.Closed"/>. Other cases keep their indices.</summary>
    /// <param name="index">A case index returned by an add.</param>
    /// <returns><see langword="true"/> if the case was taking part; <see langword="false"/> if it had been removed already.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No case has that index.</exception>
    /// <exception cref="InvalidOperationException">A select is under way on this selector.</exception>
    public bool Remove(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _added);
        Enter();
        try
        {
            var slot = Array.IndexOf(_order, index, 0, _active);
            if (slot < 0)
            {
                return false;
            }

            _active--;
            (_order[slot], _order[_active]) = (_order[_active], _order[slot]);
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Waits until a case is ready and takes from it: an item, a closed queue or a readable socket.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The result, never <see cref="SelectOutcome.TimedOut"/> or <see cref="SelectOutcome.NothingReady"/>.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing was taken.</exception>
    /// <exception cref="InvalidOperationException">No case takes part and the token cannot be cancelled, so the wait could never end; or a select is already under way on this selector.</exception>
    public SelectResult<T> Wait(CancellationToken cancellationToken = default) =>
        WaitCore(Timeout.Infinite, cancellationToken);

    /// <summary>Waits at most <paramref name="timeout"/> until a case is ready, and takes from it.</summary>
    /// <param name="timeout">How long to wait; zero only looks; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The result; <see cref="SelectOutcome.TimedOut"/> (nothing taken) if no case was ready in time.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled; nothing was taken.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <exception cref="InvalidOperationException">The wait could never end (no case, no timeout, no token), or a select is already under way on this selector.</exception>
    public SelectResult<T> Wait(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitCore(ToMilliseconds(timeout), cancellationToken);

    /// <summary>The default case: takes from a case that is ready now, or takes nothing and reports <see cref="SelectOutcome.NothingReady"/>. Never waits.</summary>
    /// <returns>The result of a ready case (chosen at random among those ready), or <see cref="SelectOutcome.NothingReady"/>.</returns>
    /// <exception cref="InvalidOperationException">A select is already under way on this selector.</exception>
    public SelectResult<T> Now()
    {
        Enter();
        try
        {
            return TryReadyNow(out var result) ? result : SelectResult<T>.NothingReady;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Waits asynchronously until a case is ready, and takes from it.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The result, never <see cref="SelectOutcome.TimedOut"/> or <see cref="SelectOutcome.NothingReady"/>. Await it exactly once before the next select.</returns>
    /// <exception cref="InvalidOperationException">The wait could never end, or a select is already under way on this selector.</exception>
    public ValueTask<SelectResult<T>> WaitAsync(CancellationToken cancellationToken = default) =>
        WaitAsyncCore(Timeout.Infinite, cancellationToken);

    /// <summary>Waits asynchronously at most <paramref name="timeout"/> until a case is ready, and takes from it.</summary>
    /// <param name="timeout">How long to wait; zero only looks; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; nothing is taken.</param>
    /// <returns>The result; <see cref="SelectOutcome.TimedOut"/> (nothing taken) if no case was ready in time. Await it exactly once before the next select.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite) or too large.</exception>
    /// <exception cref="InvalidOperationException">The wait could never end, or a select is already under way on this selector.</exception>
    public ValueTask<SelectResult<T>> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitAsyncCore(ToMilliseconds(timeout), cancellationToken);

    /// <summary>Called by the signal once an async select's result was read: withdraws the losing cases and frees the selector.</summary>
    internal void FinishAsyncWait(int winner)
    {
        FinishCases(winner);
        Exit();
    }

    private static int ToMilliseconds(TimeSpan timeout)
    {
        var milliseconds = (long)timeout.TotalMilliseconds;
        if (milliseconds < Timeout.Infinite || milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be Timeout.InfiniteTimeSpan, or between zero and int.MaxValue milliseconds.");
        }

        return (int)milliseconds;
    }

    private int AddCase(Func<int, SelectCase<T>> create)
    {
        Enter();
        try
        {
            if (_added == _cases.Length)
            {
                Array.Resize(ref _cases, _added * 2);
                Array.Resize(ref _order, _added * 2);
            }

            var index = _added;
            _cases[index] = create(index);
            _added++;

            // The new case goes to the end of the active slots; the removed one there (if any) moves behind it.
            _order[_added - 1] = _order[_active];
            _order[_active] = index;
            _active++;
            return index;
        }
        finally
        {
            Exit();
        }
    }

    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A select is already under way on this selector; use one selector per thread or async flow.");
        }
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    private void ThrowIfNeverEnds(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        if (_active == 0 && millisecondsTimeout == Timeout.Infinite && !cancellationToken.CanBeCanceled)
        {
            throw new InvalidOperationException("The selector has no cases, no timeout and no cancellation token: the wait could never end.");
        }
    }

    private SelectResult<T> WaitCore(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Enter();
        try
        {
            if (TryReadyNow(out var result))
            {
                return result;
            }

            if (millisecondsTimeout == 0)
            {
                return SelectResult<T>.TimedOut;
            }

            ThrowIfNeverEnds(millisecondsTimeout, cancellationToken);
            var generation = _signal.Arm(async: false);
            if (RegisterCases(generation, out result) != CaseRegistration.Completed)
            {
                result = AwaitCompletion(millisecondsTimeout, cancellationToken);
            }

            FinishCases(result.Index);
            return result;
        }
        finally
        {
            Exit();
        }
    }

    private SelectResult<T> AwaitCompletion(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        bool completed;
        try
        {
            completed = _signal.Wait(millisecondsTimeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (_signal.TryClaim())
            {
                FinishCases(-1);
                throw;
            }

            // A case claimed the select as the token fired: its item is ours; return it rather than drop it.
            completed = false;
        }

        if (!completed)
        {
            if (_signal.TryClaim())
            {
                return SelectResult<T>.TimedOut;
            }

            _signal.WaitForClaimedCompletion();
        }

        return _signal.TakeResult();
    }

    private ValueTask<SelectResult<T>> WaitAsyncCore(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<SelectResult<T>>(cancellationToken);
        }

        Enter();
        var waiting = false;
        try
        {
            if (TryReadyNow(out var result))
            {
                return new ValueTask<SelectResult<T>>(result);
            }

            if (millisecondsTimeout == 0)
            {
                return new ValueTask<SelectResult<T>>(SelectResult<T>.TimedOut);
            }

            ThrowIfNeverEnds(millisecondsTimeout, cancellationToken);
            var generation = _signal.Arm(async: true);
            if (RegisterCases(generation, out result) == CaseRegistration.Completed)
            {
                FinishCases(result.Index);
                return new ValueTask<SelectResult<T>>(result);
            }

            // From here the selector is freed by FinishAsyncWait, once the result has been read.
            waiting = true;
            return _signal.WaitAsync(millisecondsTimeout, cancellationToken);
        }
        finally
        {
            if (!waiting)
            {
                Exit();
            }
        }
    }

    /// <summary>
    /// The first pass: tries the active cases in a random order, shuffling lazily (Fisher-Yates, one
    /// swap per case tried), and takes from the first one ready. Each step picks uniformly among the
    /// cases not tried yet, so the first ready case met is uniform among the ready ones, and a full
    /// pass leaves a uniformly random order for the registration pass.
    /// </summary>
    private bool TryReadyNow(out SelectResult<T> result)
    {
        var order = _order;
        var cases = _cases;
        for (var i = 0; i < _active; i++)
        {
            var j = i + NextBelow(_active - i);
            (order[i], order[j]) = (order[j], order[i]);
            if (cases[order[i]].TryReadyNow(out result))
            {
                return true;
            }
        }

        result = default;
        return false;
    }

    /// <summary>The second pass, armed: registers the cases in the order the first pass left, stopping early if one completes or the select is claimed.</summary>
    private CaseRegistration RegisterCases(long generation, out SelectResult<T> result)
    {
        var order = _order;
        var cases = _cases;
        _registered = 0;
        for (var i = 0; i < _active; i++)
        {
            var outcome = cases[order[i]].Register(generation, out result);
            if (outcome != CaseRegistration.Registered)
            {
                return outcome;
            }

            _registered = i + 1;
        }

        result = default;
        return CaseRegistration.Registered;
    }

    /// <summary>Finishes every registered case; <paramref name="winner"/> (a case index, or -1) need not withdraw.</summary>
    private void FinishCases(int winner)
    {
        var order = _order;
        var cases = _cases;
        for (var i = 0; i < _registered; i++)
        {
            var selectCase = cases[order[i]];
            selectCase.Finish(selectCase.Index == winner);
        }

        _registered = 0;
    }

    /// <summary>A number in [0, <paramref name="bound"/>) from xorshift64 (Lemire's multiply-shift; its bias, under 2^-32, is far below any test's reach).</summary>
    private int NextBelow(int bound)
    {
        var x = _random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _random = x;
        return (int)(((x >> 32) * (ulong)bound) >> 32);
    }
}

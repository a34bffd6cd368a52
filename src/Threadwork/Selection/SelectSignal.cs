using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;

namespace Threadwork.Selection;

/// <summary>
/// The one claim a select's cases share, and how the winner hands over the result: an event for a
/// blocking select, a reusable <see cref="IValueTaskSource{TResult}"/> for an async one. One per
/// selector, re-armed for each select, so waiting allocates nothing for queue cases.
/// </summary>
/// <remarks>
/// <para>The claim is a generation number with a claimed bit: arming publishes a new even value, and
/// exactly one <see cref="TryClaim()"/> per arming turns it odd. Queue cases claim whatever arming is
/// current: they are always withdrawn (under each queue's lock) before the next arming, so none can
/// reach a later one. A socket wait may settle after its select is over, so it claims only the
/// generation it was started for. The async timeout and token callbacks are disposed, waiting for any
/// running one, before the next arming, so they too only ever see their own.</para>
/// <para>Whoever claims calls <see cref="Complete"/> exactly once, except the selecting thread itself,
/// which claims to cancel or time out and then reports that outcome directly.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "One per selector, for its life, as SyncGetWaiter: the event's kernel handle, if it ever blocked, is released by its finalizer.")]
internal sealed class SelectSignal<T> : IValueTaskSource<SelectResult<T>>
{
    /// <summary>The selector to hand back to once an async select's result has been read.</summary>
    private readonly Selector<T> _owner;

    /// <summary>Set by the winner of a blocking select; spins briefly before blocking.</summary>
    private readonly ManualResetEventSlim _completed = new();

    /// <summary>An async select's result and continuation; continuations never run on the putter's thread.</summary>
    private ManualResetValueTaskSourceCore<SelectResult<T>> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Generation times two, plus one once claimed. Starts claimed: nothing is armed.</summary>
    private long _state = 1;

    /// <summary>Whether the current arming completes through <see cref="_core"/> rather than <see cref="_completed"/>; written before arming.</summary>
    private bool _async;

    /// <summary>A blocking select's result; written before <see cref="_completed"/> is set, read after.</summary>
    private SelectResult<T> _result;

    /// <summary>The case index that completed an async select (-1 for timeout or cancellation): it need not be withdrawn.</summary>
    private int _winner;

    /// <summary>The caller's token of an async select, for the cancellation exception.</summary>
    private CancellationToken _cancellationToken;

    /// <summary>The async select's token callback; disposed (waiting for a running callback) before re-arming.</summary>
    private CancellationTokenRegistration _cancellation;

    /// <summary>The async select's timer, if it has a timeout.</summary>
    private CancellationTokenSource? _timeout;

    /// <summary>The timer's callback; disposed (waiting for a running callback) before re-arming.</summary>
    private CancellationTokenRegistration _timeoutRegistration;

    public SelectSignal(Selector<T> owner) => _owner = owner;

    /// <summary>Arms for one select and returns its generation. Only when no case can reach the previous arming.</summary>
    public long Arm(bool async)
    {
        _async = async;
        _winner = -1;
        if (!async)
        {
            _completed.Reset();
        }

        var generation = (_state >> 1) + 1;

        // The release write publishes _async and the reset before any case can claim this arming.
        Volatile.Write(ref _state, generation << 1);
        return generation;
    }

    /// <summary>Claims the current arming; true for exactly one caller per arming.</summary>
    public bool TryClaim()
    {
        var state = Volatile.Read(ref _state);
        return (state & 1) == 0 && Interlocked.CompareExchange(ref _state, state | 1, state) == state;
    }

    /// <summary>Claims the arming <paramref name="generation"/>, if it is still current and unclaimed.</summary>
    public bool TryClaim(long generation)
    {
        var armed = generation << 1;
        return Interlocked.CompareExchange(ref _state, armed | 1, armed) == armed;
    }

    /// <summary>Hands over the result; called once per arming, by the claim's winner, outside any queue lock.</summary>
    public void Complete(SelectResult<T> result)
    {
        if (_async)
        {
            _winner = result.Index;
            _core.SetResult(result);
        }
        else
        {
            _result = result;
            _completed.Set();
        }
    }

    /// <summary>Blocks for a completion; false on timeout; throws on cancellation (the caller then tries to claim).</summary>
    public bool Wait(int millisecondsTimeout, CancellationToken cancellationToken) =>
        _completed.Wait(millisecondsTimeout, cancellationToken);

    /// <summary>Blocks, uncancellably, for a completion whose winner has claimed and is about to deliver.</summary>
    public void WaitForClaimedCompletion() => _completed.Wait();

    /// <summary>A blocking select's result, once completed; the signal lets go of the item.</summary>
    public SelectResult<T> TakeResult()
    {
        var result = _result;
        _result = default;
        return result;
    }

    /// <summary>Returns the task of an armed async select whose cases are registered, observing the token and the timeout.</summary>
    public ValueTask<SelectResult<T>> WaitAsync(int millisecondsTimeout, CancellationToken cancellationToken)
    {
        var version = _core.Version;
        if (millisecondsTimeout != Timeout.Infinite)
        {
            _timeout = new CancellationTokenSource(millisecondsTimeout);
            _timeoutRegistration = _timeout.Token.UnsafeRegister(static state => ((SelectSignal<T>)state!).OnTimeout(), this);
        }

        if (cancellationToken.CanBeCanceled)
        {
            // A token already cancelled runs the callback here; it claims unless a case already did.
            _cancellationToken = cancellationToken;
            _cancellation = cancellationToken.UnsafeRegister(static state => ((SelectSignal<T>)state!).OnCancelled(), this);
        }

        return new ValueTask<SelectResult<T>>(this, version);
    }

    public SelectResult<T> GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Both disposals wait for a callback already running, so none reaches the next arming.
            _cancellation.Dispose();
            _cancellation = default;
            _cancellationToken = default;
            _timeoutRegistration.Dispose();
            _timeoutRegistration = default;
            _timeout?.Dispose();
            _timeout = null;
            var winner = _winner;
            _core.Reset();
            _owner.FinishAsyncWait(winner);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void OnTimeout()
    {
        if (TryClaim())
        {
            _core.SetResult(SelectResult<T>.TimedOut);
        }
    }

    private void OnCancelled()
    {
        // Losing the claim means a case won it and its result is on its way: it is returned, not dropped.
        if (TryClaim())
        {
            _core.SetException(new OperationCanceledException(_cancellationToken));
        }
    }
}

namespace Threadwork.Actors;

/// <summary>
/// The reply half of an ask: the actor completes it with a value or a failure, once. Carried inside
/// the request message, so the request type says what reply it expects.
/// </summary>
/// <remarks>
/// The asker's continuation never runs inside the actor's turn: a reply given in a handler is delivered
/// on the same pool thread once the turn is over (or on another pool thread if the actor has more
/// messages queued); a reply given anywhere else, and a timeout or cancellation, are delivered on the pool.
/// </remarks>
/// <typeparam name="TReply">The reply type.</typeparam>
/// <example>
/// <code>
/// record GetTotal(Reply&lt;int&gt; Reply) : CounterMessage;
/// // in the handler:  case GetTotal(var reply): reply.Complete(total); break;
/// int total = await counter.Ask&lt;int&gt;(r =&gt; new GetTotal(r), TimeSpan.FromSeconds(1));
/// </code>
/// </example>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The timer and the cancellation registration are disposed when the outcome is delivered; the asker never holds the reply.")]
public sealed class Reply<TReply> : IHandOffWork, ITimedReply
{
    private const int Waiting = 0;
    private const int Settling = 1;
    private const int Settled = 2;

    /// <summary>The asker's task. Completed only by <see cref="Deliver"/>, which never runs inside a turn, so its continuations may run inline.</summary>
    private readonly TaskCompletionSource<TReply> _source = new();

    /// <summary>The actor asked, named in a timeout.</summary>
    private readonly string _actorName;

    /// <summary>How long the asker waits, named in a timeout.</summary>
    private readonly TimeSpan _timeout;

    /// <summary>The shared list the ask's deadline is in (see <see cref="AskTimeouts"/>); null when it waits for ever or has a timer of its own.</summary>
    private AskTimeouts? _timeouts;

    /// <summary>The ask's own timeout timer, when its duration has no shared list; disposed by <see cref="Deliver"/>.</summary>
    private Timer? _timer;

    /// <summary>When the ask gives up, in <see cref="Environment.TickCount64"/> milliseconds; set before it is listed.</summary>
    private long _deadline;

    /// <summary>Links in <see cref="_timeouts"/>, guarded by its lock.</summary>
    private ITimedReply? _previous;

    /// <summary>Links in <see cref="_timeouts"/>, guarded by its lock.</summary>
    private ITimedReply? _next;

    /// <summary>Whether the ask is in <see cref="_timeouts"/> now, guarded by its lock.</summary>
    private bool _listed;

    /// <summary>The asker's cancellation; disposed by <see cref="Deliver"/>.</summary>
    private CancellationTokenRegistration _cancellation;

    /// <summary>The value given; read once <see cref="_state"/> is <see cref="Settled"/>.</summary>
    private TReply _value = default!;

    /// <summary>The failure given, or the timeout; null for a value or a cancellation.</summary>
    private Exception? _error;

    /// <summary>Whether the outcome is a cancellation of the ask.</summary>
    private bool _cancelled;

    /// <summary>Waiting, Settling (the one winner is writing the outcome) or Settled; only moves forward.</summary>
    private int _state;

    internal Reply(string actorName, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, Timeout.InfiniteTimeSpan, nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout.TotalMilliseconds, uint.MaxValue - 1.0, nameof(timeout));
        _actorName = actorName;
        _timeout = timeout;
    }

    /// <summary>Whether a value or failure has been given (or the ask gave up waiting: timed out or cancelled).</summary>
    public bool IsCompleted => Volatile.Read(ref _state) != Waiting;

    internal Task<TReply> Task => _source.Task;

    /// <summary>Delivery runs the asker's code: sends it makes are queued, not handed off.</summary>
    bool IHandOffWork.HandsOffSends => false;

    /// <inheritdoc/>
    long ITimedReply.Deadline => _deadline;

    /// <inheritdoc/>
    ITimedReply? ITimedReply.Previous
    {
        get => _previous;
        set => _previous = value;
    }

    /// <inheritdoc/>
    ITimedReply? ITimedReply.Next
    {
        get => _next;
        set => _next = value;
    }

    /// <inheritdoc/>
    bool ITimedReply.IsListed
    {
        get => _listed;
        set => _listed = value;
    }

    /// <summary>Replies with a value.</summary>
    /// <param name="value">The reply.</param>
    /// <returns><see langword="false"/> if the reply was already given, or the ask gave up waiting.</returns>
    public bool Complete(TReply value)
    {
        if (!TrySettle())
        {
            return false;
        }

        _value = value;
        Publish(handOff: true);
        return true;
    }

    /// <summary>Replies with a failure; the asker's task faults with it.</summary>
    /// <param name="error">The failure.</param>
    /// <returns><see langword="false"/> if the reply was already given, or the ask gave up waiting.</returns>
    public bool Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!TrySettle())
        {
            return false;
        }

        _error = error;
        Publish(handOff: true);
        return true;
    }

    /// <summary>Delivers the outcome when the pool runs the reply.</summary>
    void IThreadPoolWorkItem.Execute() => Deliver();

    /// <summary>Delivers the outcome after the turn that gave it.</summary>
    void IHandOffWork.RunHandedOff() => Deliver();

    /// <summary>The shared timeout list's timer found the deadline passed.</summary>
    void ITimedReply.TimeOut() => GiveUp(cancelled: false);

    /// <summary>Starts the timeout and the cancellation; called before the request is queued, so a fast reply always finds them.</summary>
    internal void Arm(CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
        {
            if (AskTimeouts.For(_timeout) is { } timeouts)
            {
                _deadline = AskTimeouts.DeadlineAfter(_timeout);
                _timeouts = timeouts;
                timeouts.Add(this);
            }
            else
            {
                _timer = new Timer(static state => ((Reply<TReply>)state!).GiveUp(cancelled: false), this, _timeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static state => ((Reply<TReply>)state!).GiveUp(cancelled: true), this);
        }
    }

    /// <summary>The request went to dead letters: the ask fails at once.</summary>
    internal void Refuse()
    {
        if (TrySettle())
        {
            _error = new InvalidOperationException($"Actor '{_actorName}' no longer accepts messages; the request went to dead letters.");
            Volatile.Write(ref _state, Settled);

            // No one holds the task yet, so it may complete here.
            Deliver();
        }
    }

    private bool TrySettle() => Interlocked.CompareExchange(ref _state, Settling, Waiting) == Waiting;

    private void GiveUp(bool cancelled)
    {
        if (!TrySettle())
        {
            return;
        }

        if (cancelled)
        {
            _cancelled = true;
        }
        else
        {
            _error = new TimeoutException($"Actor '{_actorName}' did not reply within {_timeout}.");
        }

        // The timer's or the canceller's thread must not run the asker's continuation.
        Publish(handOff: false);
    }

    private void Publish(bool handOff)
    {
        Volatile.Write(ref _state, Settled);
        if (!handOff || !TurnHandOff.TryHandOff(this))
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    private void Deliver()
    {
        if (Volatile.Read(ref _state) != Settled)
        {
            return;
        }

        var token = _cancellation.Token;
        _timeouts?.Remove(this);
        _timer?.Dispose();
        _cancellation.Dispose();
        if (_cancelled)
        {
            _source.TrySetCanceled(token);
        }
        else if (_error is not null)
        {
            _source.TrySetException(_error);
        }
        else
        {
            _source.TrySetResult(_value);
        }
    }
}

using System.Diagnostics;

namespace Threadwork.Actors;

/// <summary>
/// An actor whose handler runs on the shared .NET thread pool: messages are handled one at a time, in
/// the order each sender sent them, at most <see cref="ActorOptions.MessagesPerTurn"/> per turn before
/// the thread goes to another actor (if any other work waits for the pool). An idle actor holds no thread, so a million of them cost memory only.
/// Created with <see cref="Actor.Start{TMessage}(Func{Action{TMessage}}, string?, ActorOptions?)"/>.
/// </summary>
/// <remarks>
/// <para>Close drains: later sends become dead letters, queued messages are still handled, then
/// <see cref="Completion"/> completes. Stop stops now: the message being handled finishes, queued
/// ones become dead letters. A message sent while the actor closes is either handled or a dead letter,
/// never lost.</para>
/// <para>A send from one handler to an idle actor runs that actor's turn on the same pool thread right
/// after the sender's current message, unless the sender goes on to another message: a pair of actors
/// talking to each other then stays on one core. So a handler must not block waiting on work of an actor
/// it has just sent to; the library's own waits (a full mailbox, Join, Ask) first give that turn to the pool.</para>
/// <para>A handler that throws is dealt with by <see cref="ActorOptions.Supervision"/>; a stop by
/// failure faults <see cref="Completion"/> with the exception, and <see cref="Join(CancellationToken)"/> re-throws it.</para>
/// </remarks>
/// <typeparam name="TMessage">The messages the actor accepts; a record hierarchy and a switch make tagged messages.</typeparam>
public sealed class HandlerActor<TMessage> : IHandOffWork
{
    private const int Open = 0;
    private const int Closing = 1;
    private const int Stopping = 2;
    private const int Done = 3;

    /// <summary>Makes the handler and its state; called again on every restart. Null for a stateless handler, which a restart keeps.</summary>
    private readonly Func<Action<TMessage>>? _createHandler;

    /// <summary>Shared settings: capacity, turn size, supervision, dead letters.</summary>
    private readonly ActorOptions _options;

    /// <summary>Queued messages; popped only by the turn that holds <see cref="_scheduled"/>, or under its own lock once done.</summary>
    private readonly SegmentedMailbox<TMessage> _mailbox = new();

    /// <summary>Free slots of a bounded mailbox; null when unbounded. Taken by senders, given back by the turn.</summary>
    private readonly SemaphoreSlim? _room;

    /// <summary>Completed once, by the turn that finishes the actor.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The current handler; replaced by a restart. Used only by the running turn.</summary>
    private Action<TMessage> _handler;

    /// <summary>Timestamps of recent restarts, oldest first; created at the first restart, used only by the running turn.</summary>
    private Queue<long>? _restarts;

    /// <summary>1 while a turn is queued or running; stays 1 once the actor is done, so no turn runs again.</summary>
    private int _scheduled;

    /// <summary>Open, Closing, Stopping or Done; only moves forward.</summary>
    private int _state;

    /// <summary>Restarts so far.</summary>
    private int _restartCount;

    /// <summary>The name given, or null until <see cref="Name"/> makes one from <see cref="_id"/>.</summary>
    private string? _name;

    /// <summary>A process-wide sequence number, for a default name that costs nothing until asked for.</summary>
    private readonly long _id;

    internal HandlerActor(Func<Action<TMessage>>? createHandler, Action<TMessage>? handler, string? name, ActorOptions options)
    {
        _createHandler = createHandler;
        _options = options;
        _name = name;
        _id = Actor.NextId();
        _room = options.MailboxCapacity is { } capacity ? new SemaphoreSlim(capacity) : null;
        _handler = handler ?? createHandler!();
    }

    /// <summary>The actor's name, used in errors and dead letters.</summary>
    public string Name => _name ??= $"actor-{_id}";

    /// <summary>Completes when the actor has finished (closed and drained, or stopped); faults with the failure that stopped it.</summary>
    public Task Completion => _completion.Task;

    /// <summary>How many times supervision has restarted the actor.</summary>
    public int RestartCount => Volatile.Read(ref _restartCount);

    /// <summary>Queues a message, waiting for room if the mailbox is bounded and full. To a closed or stopped actor it is a dead letter.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Ends a wait for room with <see cref="OperationCanceledException"/>; the message is then not sent.</param>
    public void Send(TMessage message, CancellationToken cancellationToken = default)
    {
        if (_room is not null && !_room.Wait(0, CancellationToken.None))
        {
            // About to block: a turn this thread holds back may be the one that makes room.
            TurnHandOff.Release();
            _room.Wait(cancellationToken);
        }

        Post(message, mayHandOff: true);
    }

    /// <summary>Queues a message if there is room now; never waits.</summary>
    /// <param name="message">The message.</param>
    /// <returns><see langword="false"/> if a bounded mailbox is full (the message is not sent); otherwise <see langword="true"/> (a closed actor's message is a dead letter).</returns>
    public bool TrySend(TMessage message)
    {
        if (_room is not null && !_room.Wait(0, CancellationToken.None))
        {
            return false;
        }

        Post(message, mayHandOff: true);
        return true;
    }

    /// <summary>Queues a message, waiting asynchronously for room if the mailbox is bounded and full.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Ends a wait for room with <see cref="OperationCanceledException"/>; the message is then not sent.</param>
    /// <returns>Completes when the message is queued (or was a dead letter).</returns>
    public ValueTask SendAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        if (_room is null || _room.Wait(0, CancellationToken.None))
        {
            Post(message, mayHandOff: true);
            return ValueTask.CompletedTask;
        }

        TurnHandOff.Release();
        return WaitAndPostAsync(message, cancellationToken);
    }

    /// <summary>
    /// Sends a request carrying a <see cref="Reply{TReply}"/> and waits for the actor to complete it.
    /// </summary>
    /// <typeparam name="TReply">The reply type.</typeparam>
    /// <param name="request">Builds the request message around the reply.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The reply; faults with the actor's failure if it replied with one, with <see cref="TimeoutException"/> if no reply came in time,
    /// with <see cref="InvalidOperationException"/> if the actor no longer accepts messages.</returns>
    public Task<TReply> Ask<TReply>(Func<Reply<TReply>, TMessage> request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }

        // The asker may block on the task: nothing it waits for may stay held back on this thread,
        // and the request itself goes to the pool, not to this thread's hand-off slot.
        TurnHandOff.Release();
        var reply = new Reply<TReply>(Name, timeout);
        var message = request(reply);
        return _room is null || _room.Wait(0, CancellationToken.None)
            ? Dispatch(reply, message, cancellationToken)
            : AskWhenThereIsRoomAsync(reply, message, cancellationToken);
    }

    /// <summary>Stops accepting messages; those already queued are still handled, then the actor completes.</summary>
    public void Close()
    {
        if (Interlocked.CompareExchange(ref _state, Closing, Open) == Open)
        {
            Schedule();
        }
    }

    /// <summary>Stops now: the message being handled finishes, queued messages become dead letters.</summary>
    public void Stop()
    {
        var state = Volatile.Read(ref _state);
        while (state is Open or Closing)
        {
            var seen = Interlocked.CompareExchange(ref _state, Stopping, state);
            if (seen == state)
            {
                Schedule();
                return;
            }

            state = seen;
        }
    }

    /// <summary>Waits until the actor has finished; re-throws the failure that stopped it.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    public void Join(CancellationToken cancellationToken = default) => Join(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Waits at most <paramref name="timeout"/> for the actor to finish; re-throws the failure that stopped it.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="false"/> if the actor is still running.</returns>
    public bool Join(TimeSpan timeout, CancellationToken cancellationToken = default) => ActorJoin.Wait(Completion, timeout, cancellationToken);

    /// <summary>Runs on a pool thread: this actor's turn, then the turns it hands off.</summary>
    void IThreadPoolWorkItem.Execute() => TurnHandOff.Run(this);

    /// <summary>Sends made by the handler may hand the receiver's turn to this thread.</summary>
    bool IHandOffWork.HandsOffSends => true;

    /// <summary>One turn: handles up to <see cref="ActorOptions.MessagesPerTurn"/> messages.</summary>
    void IHandOffWork.RunHandedOff()
    {
        if (Volatile.Read(ref _state) == Done)
        {
            return;
        }

        var budget = _options.MessagesPerTurn;
        var linkWait = default(SpinWait);
        while (true)
        {
            if (Volatile.Read(ref _state) == Stopping)
            {
                Finish(null);
                return;
            }

            if (budget == 0)
            {
                if (!TurnHandOff.OtherWorkWaits)
                {
                    // Nothing else waits for a pool thread: yielding would only cost a dispatch and a wake-up.
                    budget = _options.MessagesPerTurn;
                    continue;
                }

                // Still scheduled: yield the thread and come back behind the other actors.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            if (!_mailbox.TryPop(out var message))
            {
                if (!_mailbox.IsDrained)
                {
                    // A sender has reserved its slot but not marked it ready yet, and left it to this turn
                    // (it saw the actor scheduled). Wait a little for the mark, else come back later.
                    if (!linkWait.NextSpinWillYield)
                    {
                        linkWait.SpinOnce(sleep1Threshold: -1);
                        continue;
                    }

                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }

                if (Volatile.Read(ref _state) == Closing)
                {
                    Finish(null);
                    return;
                }

                // Unschedule, then look again. A sender reads _scheduled only after the atomic add that
                // reserves its slot; if it read 1 (before our exchange), its push shows in IsDrained
                // now, written or not, and this turn goes on for it.
                Interlocked.Exchange(ref _scheduled, 0);
                if ((_mailbox.IsDrained && Volatile.Read(ref _state) == Open) || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            if (TurnHandOff.HasPending)
            {
                // Another message here: what the last one handed to this thread may run elsewhere meanwhile.
                TurnHandOff.Release();
            }

            _room?.Release();
            budget--;
            try
            {
                _handler(message);
            }
#pragma warning disable CA1031 // Every handler failure goes to supervision; none may escape onto the pool thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!Supervise(e))
                {
                    return;
                }
            }

        }
    }

    private bool Post(TMessage message, bool mayHandOff)
    {
        if (Volatile.Read(ref _state) != Open)
        {
            _room?.Release();
            _options.DeadLetters.Post(Name, message);
            return false;
        }

        _mailbox.Push(message);

        // Read before trying to write: a busy actor (many senders, one receiver) stays scheduled, and
        // its senders then share the flag's cache line instead of fighting for it. The push's atomic
        // add orders this read after it (see the turn's unschedule).
        if (Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            // From a handler, the turn runs on this thread after the sender's (see TurnHandOff). From
            // another pool thread it goes on that thread's local queue, where idle threads may steal it;
            // from any other thread, on the global queue.
            if (!mayHandOff || !TurnHandOff.TryHandOff(this))
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
        }
        else if (Volatile.Read(ref _state) == Done)
        {
            // The actor finished between our state check and our push; its final drain may have run
            // before the push, so whatever is left is ours to hand to dead letters.
            DrainToDeadLetters();
        }

        return true;
    }

    /// <summary>Arms the reply's timeout and cancellation, then queues the request (room already taken).</summary>
    private Task<TReply> Dispatch<TReply>(Reply<TReply> reply, TMessage message, CancellationToken cancellationToken)
    {
        reply.Arm(cancellationToken);
        if (!Post(message, mayHandOff: false))
        {
            reply.Refuse();
        }

        return reply.Task;
    }

    private async Task<TReply> AskWhenThereIsRoomAsync<TReply>(Reply<TReply> reply, TMessage message, CancellationToken cancellationToken)
    {
        await _room!.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Dispatch(reply, message, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WaitAndPostAsync(TMessage message, CancellationToken cancellationToken)
    {
        await _room!.WaitAsync(cancellationToken).ConfigureAwait(false);
        Post(message, mayHandOff: false);
    }

    private void Schedule()
    {
        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Applies the policy to a failure; false if the actor stopped.</summary>
    private bool Supervise(Exception error)
    {
        var policy = _options.Supervision;
        switch (policy.Directive)
        {
            case SupervisionDirective.Resume:
                return true;
            case SupervisionDirective.Restart when MayRestart(policy):
                _handler = _createHandler?.Invoke() ?? _handler;
                Interlocked.Increment(ref _restartCount);
                return true;
            default:
                Finish(error);
                return false;
        }
    }

    private bool MayRestart(SupervisionPolicy policy)
    {
        var now = Stopwatch.GetTimestamp();
        _restarts ??= new Queue<long>();
        while (_restarts.Count > 0 && Stopwatch.GetElapsedTime(_restarts.Peek(), now) > policy.Window)
        {
            _restarts.Dequeue();
        }

        if (_restarts.Count >= policy.MaxRestarts)
        {
            return false;
        }

        _restarts.Enqueue(now);
        return true;
    }

    private void Finish(Exception? fault)
    {
        Interlocked.Exchange(ref _state, Done);
        DrainToDeadLetters();
        if (_room is not null)
        {
            // Wake one sender still waiting for room: it finds the actor done, posts a dead letter and
            // gives its slot back, which wakes the next.
            _room.Release();
        }

        if (fault is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(fault);
        }
    }

    private void DrainToDeadLetters()
    {
        lock (_mailbox)
        {
            // Until drained, not just until empty: a sender between its reservation and its ready mark may
            // have seen the actor still scheduled and counts on this drain (or its own) to find its message.
            var linkWait = default(SpinWait);
            while (!_mailbox.IsDrained)
            {
                if (_mailbox.TryPop(out var message))
                {
                    _options.DeadLetters.Post(Name, message);
                }
                else
                {
                    linkWait.SpinOnce();
                }
            }
        }
    }
}

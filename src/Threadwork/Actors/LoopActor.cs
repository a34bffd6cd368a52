using Threadwork.Queues;
using Threadwork.Workers;

namespace Threadwork.Actors;

/// <summary>
/// The recipe's actor: a thread of its own runs a loop that calls
/// <see cref="ActorInbox{TMessage}.Receive(out TMessage, CancellationToken)"/>. Closing makes Receive
/// return false once the queue is drained, so the loop ends without a sentinel message or exception.
/// Created with <see cref="Actor.StartLoop{TMessage}(Action{ActorInbox{TMessage}}, string?, ActorOptions?)"/>.
/// </summary>
/// <remarks>
/// Close drains (queued messages are still received); Stop stops now (Receive returns false at its next
/// call, queued messages become dead letters). Messages sent after either are dead letters. A loop that
/// throws faults <see cref="Completion"/>; <see cref="Join(CancellationToken)"/> re-throws it. Messages from one sender arrive in the order sent.
/// </remarks>
/// <typeparam name="TMessage">The messages the actor accepts.</typeparam>
public sealed class LoopActor<TMessage>
{
    /// <summary>The mailbox; closed by Close, Stop or the end of the loop.</summary>
    private readonly WorkQueue<TMessage> _queue;

    /// <summary>The actor's thread.</summary>
    private readonly Worker _worker;

    /// <summary>Where messages no one will receive go.</summary>
    private readonly DeadLetters _deadLetters;

    /// <summary>Whether the mailbox is bounded, so a send may block.</summary>
    private readonly bool _bounded;

    /// <summary>1 once Stop was called: Receive hands no more messages to the loop.</summary>
    private int _stopping;

    internal LoopActor(Action<ActorInbox<TMessage>> body, string name, ActorOptions options)
    {
        Name = name;
        _deadLetters = options.DeadLetters;
        _bounded = options.MailboxCapacity is not null;
        _queue = options.MailboxCapacity is { } capacity ? new WorkQueue<TMessage>(capacity, name) : new WorkQueue<TMessage>(name);
        var inbox = new ActorInbox<TMessage>(this);
        _worker = new Worker(name, _ =>
        {
            try
            {
                body(inbox);
            }
            finally
            {
                // Whatever the loop left unreceived is a dead letter, counted, not dropped.
                _queue.Close();
                DrainToDeadLetters();
            }
        })
        { IsBackground = true };
    }

    /// <summary>The actor's name, also its thread's name.</summary>
    public string Name { get; }

    /// <summary>Completes when the loop has returned; faults with the exception it threw.</summary>
    public Task Completion => _worker.Completion;

    /// <summary>Queues a message, waiting for room if the mailbox is bounded and full. To a closed actor it is a dead letter.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Ends a wait for room with <see cref="OperationCanceledException"/>; the message is then not sent.</param>
    public void Send(TMessage message, CancellationToken cancellationToken = default) => Post(message, cancellationToken);

    /// <summary>Queues a message if there is room now; never waits.</summary>
    /// <param name="message">The message.</param>
    /// <returns><see langword="false"/> if a bounded mailbox is full; otherwise <see langword="true"/> (a closed actor's message is a dead letter).</returns>
    public bool TrySend(TMessage message)
    {
        try
        {
            return _queue.TryPut(message);
        }
        catch (QueueClosedException)
        {
            _deadLetters.Post(Name, message);
            return true;
        }
    }

    /// <summary>Queues a message, waiting asynchronously for room if the mailbox is bounded and full.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Ends a wait for room with <see cref="OperationCanceledException"/>; the message is then not sent.</param>
    /// <returns>Completes when the message is queued (or was a dead letter).</returns>
    public async ValueTask SendAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        try
        {
            await _queue.PutAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (QueueClosedException)
        {
            _deadLetters.Post(Name, message);
        }
    }

    /// <summary>Sends a request carrying a <see cref="Reply{TReply}"/> and waits for the loop to complete it.</summary>
    /// <typeparam name="TReply">The reply type.</typeparam>
    /// <param name="request">Builds the request message around the reply.</param>
    /// <param name="timeout">How long to wait for the reply.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The reply; faults with the failure the actor replied with, <see cref="TimeoutException"/>, or <see cref="InvalidOperationException"/> if the actor is closed.</returns>
    public Task<TReply> Ask<TReply>(Func<Reply<TReply>, TMessage> request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TReply>(cancellationToken);
        }

        TurnHandOff.Release();
        var reply = new Reply<TReply>(Name, timeout);
        var message = request(reply);
        reply.Arm(cancellationToken);
        try
        {
            if (!Post(message, cancellationToken))
            {
                reply.Refuse();
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled while waiting for room: the registration armed above has already given the ask up.
        }

        return reply.Task;
    }

    /// <summary>Stops accepting messages; the loop still receives those queued, then Receive returns false.</summary>
    public void Close() => _queue.Close();

    /// <summary>Stops now: Receive returns false at its next call; queued messages become dead letters.</summary>
    public void Stop()
    {
        Volatile.Write(ref _stopping, 1);
        _queue.Close();
    }

    /// <summary>Waits until the loop has returned; re-throws its exception.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    public void Join(CancellationToken cancellationToken = default) => Join(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Waits at most <paramref name="timeout"/> for the loop to return; re-throws its exception.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="false"/> if the loop is still running.</returns>
    public bool Join(TimeSpan timeout, CancellationToken cancellationToken = default) => ActorJoin.Wait(Completion, timeout, cancellationToken);

    internal void Start() => _worker.Start();

    internal bool Receive(out TMessage message, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stopping) == 0 && _queue.TryGet(Timeout.InfiniteTimeSpan, out message!, cancellationToken))
        {
            if (Volatile.Read(ref _stopping) == 0)
            {
                return true;
            }

            _deadLetters.Post(Name, message);
        }

        message = default!;
        return false;
    }

    /// <summary>Queues a message; false if it went to dead letters.</summary>
    internal bool Post(TMessage message, CancellationToken cancellationToken)
    {
        if (_bounded)
        {
            // The put may block: a turn this thread holds back (see TurnHandOff) may be what the loop waits for.
            TurnHandOff.Release();
        }

        try
        {
            _queue.Put(message, cancellationToken);
            return true;
        }
        catch (QueueClosedException)
        {
            _deadLetters.Post(Name, message);
            return false;
        }
    }

    private void DrainToDeadLetters()
    {
        while (_queue.TryGet(out var message))
        {
            _deadLetters.Post(Name, message);
        }
    }
}

namespace Threadwork.Coroutines;

/// <summary>
/// The handle of one coroutine of a <see cref="CoroutineScheduler"/>: its name, its state, its fault,
/// and its mailbox. A coroutine is a C# iterator of <see cref="Suspend"/> values (the recipe's generator).
/// </summary>
/// <remarks>
/// A coroutine belongs to the thread that runs its scheduler: <see cref="Send"/> and
/// <see cref="TryTakeMessage"/> are called from coroutines of that scheduler (or before it runs), never
/// from another thread while it runs; no locks are taken.
/// </remarks>
public sealed class Coroutine
{
    /// <summary>The iterator; null once the coroutine has finished (its enumerator disposed).</summary>
    private IEnumerator<Suspend>? _body;

    /// <summary>Messages sent and not yet taken, oldest first; created by the first send.</summary>
    private Queue<object?>? _mailbox;

    /// <summary>Coroutines suspended until this one finishes, in the order they began to wait; created by the first.</summary>
    private List<Coroutine>? _joiners;

    internal Coroutine(CoroutineScheduler scheduler, string name)
    {
        Scheduler = scheduler;
        Name = name;
    }

    /// <summary>The name given at spawn: unique among the scheduler's unfinished coroutines, used by <see cref="CoroutineScheduler.Send"/> and in every report about it.</summary>
    public string Name { get; }

    /// <summary>Where the coroutine is in its life; every state but <see cref="CoroutineState.Pending"/> is final.</summary>
    public CoroutineState State { get; private set; }

    /// <summary>True once the coroutine has finished, whichever way.</summary>
    public bool IsFinished => State != CoroutineState.Pending;

    /// <summary>The exception the body threw when <see cref="State"/> is <see cref="CoroutineState.Faulted"/>; null otherwise.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>How many messages wait in the mailbox.</summary>
    public int PendingMessages => _mailbox?.Count ?? 0;

    internal CoroutineScheduler Scheduler { get; }

    internal IEnumerator<Suspend>? Body => _body;

    /// <summary>True while the coroutine is suspended on <see cref="Suspend.UntilMessage"/> with an empty mailbox.</summary>
    internal bool AwaitsMessage { get; set; }

    /// <summary>True while the coroutine is suspended on another coroutine's completion.</summary>
    internal bool AwaitsCompletion { get; set; }

    /// <summary>
    /// Puts <paramref name="message"/> in this coroutine's mailbox and, if it waits for a message, makes it
    /// ready. Never runs the receiver on the sender's stack, so actors that message each other do not recurse.
    /// </summary>
    /// <param name="message">Any value, null included.</param>
    /// <exception cref="InvalidOperationException">The coroutine has finished, or the call came from a thread other than the one running the scheduler.</exception>
    public void Send(object? message)
    {
        Scheduler.CheckOwningThread();
        if (IsFinished)
        {
            throw new InvalidOperationException($"Cannot send to coroutine '{Name}': it has finished ({State}).");
        }

        (_mailbox ??= new Queue<object?>()).Enqueue(message);
        if (AwaitsMessage)
        {
            AwaitsMessage = false;
            Scheduler.MakeReady(this);
        }
    }

    /// <summary>Takes the oldest message from the mailbox, if there is one. Call it after <c>yield return Suspend.UntilMessage;</c>.</summary>
    /// <param name="message">The message, or null when the mailbox was empty.</param>
    /// <returns>True when a message was taken.</returns>
    /// <exception cref="InvalidOperationException">The call came from a thread other than the one running the scheduler.</exception>
    public bool TryTakeMessage(out object? message)
    {
        Scheduler.CheckOwningThread();
        if (_mailbox is { Count: > 0 } mailbox)
        {
            message = mailbox.Dequeue();
            return true;
        }

        message = null;
        return false;
    }

    /// <summary>The coroutine's name and state, e.g. "coroutine 'printer' (Pending)".</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"coroutine '{Name}' ({State})";

    /// <summary>Adds a coroutine to wake when this one finishes.</summary>
    internal void AddJoiner(Coroutine joiner) => (_joiners ??= []).Add(joiner);

    /// <summary>
    /// Records how the coroutine ended and drops its mailbox. The caller disposes the returned iterator
    /// (running the <c>finally</c> blocks it still has) and wakes the returned joiners.
    /// </summary>
    /// <returns>The iterator to dispose, and the coroutines waiting for this one (null when none), in the order they began to wait.</returns>
    internal (IEnumerator<Suspend>? Body, List<Coroutine>? Joiners) End(CoroutineState state, Exception? fault)
    {
        State = state;
        Fault = fault;
        AwaitsMessage = false;
        AwaitsCompletion = false;
        _mailbox = null;
        var ended = (_body, _joiners);
        _body = null;
        _joiners = null;
        return ended;
    }

    /// <summary>Turns a finish into a fault: the iterator's <c>finally</c> block threw while it was disposed.</summary>
    internal void FaultWhileDisposing(Exception fault)
    {
        State = CoroutineState.Faulted;
        Fault = fault;
    }

    /// <summary>Sets the iterator of a coroutine whose body needed its own handle to be created.</summary>
    internal void SetBody(IEnumerator<Suspend> body) => _body = body;

    /// <summary>True when the mailbox holds a message.</summary>
    internal bool HasMessage => _mailbox is { Count: > 0 };
}

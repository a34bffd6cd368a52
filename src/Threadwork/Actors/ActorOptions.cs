namespace Threadwork.Actors;

/// <summary>How an actor queues, schedules and survives; one instance may be shared by many actors.</summary>
public sealed class ActorOptions
{
    /// <summary>The defaults: unbounded mailbox, 64 messages per turn, stop on failure, <see cref="DeadLetters.Default"/>.</summary>
    public static ActorOptions Default { get; } = new();

    /// <summary>Most messages queued before a send waits (back-pressure); null for no bound.</summary>
    public int? MailboxCapacity { get; init; }

    /// <summary>
    /// For handler actors: most messages handled in one turn on a shared thread before the actor yields
    /// the thread to other actors (fairness); at least 1. With no other work waiting for the thread pool
    /// at that point, the turn goes on with a fresh budget.
    /// </summary>
    public int MessagesPerTurn { get; init; } = 64;

    /// <summary>For handler actors: what a failing handler leads to.</summary>
    public SupervisionPolicy Supervision { get; init; } = SupervisionPolicy.Stop;

    /// <summary>Where undeliverable messages are counted.</summary>
    public DeadLetters DeadLetters { get; init; } = DeadLetters.Default;
}

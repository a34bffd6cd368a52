namespace Threadwork.Actors;

/// <summary>
/// Where messages go that no actor will handle: sent to a closed, stopped or faulted actor, or still
/// queued when an actor stopped. Every one is counted and handed to the hook; none is dropped in silence.
/// </summary>
/// <remarks>The hook runs on the thread that found the message dead (a sender or the actor's last turn); a hook that throws is not called again for that message and does not affect the count.</remarks>
public sealed class DeadLetters
{
    /// <summary>Called for each dead letter; may be null.</summary>
    private readonly Action<DeadLetter>? _hook;

    /// <summary>Dead letters so far; written with Interlocked.</summary>
    private long _count;

    /// <summary>Creates a dead-letter office.</summary>
    /// <param name="hook">Called with each dead letter (for logging, say); null only counts them.</param>
    public DeadLetters(Action<DeadLetter>? hook = null) => _hook = hook;

    /// <summary>The office actors use when their options name none. It only counts.</summary>
    public static DeadLetters Default { get; } = new();

    /// <summary>How many dead letters this office has received.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Records a dead letter: counts it and calls the hook.</summary>
    /// <param name="actorName">The actor the message was meant for.</param>
    /// <param name="message">The message.</param>
    public void Post(string actorName, object? message)
    {
        Interlocked.Increment(ref _count);
        try
        {
            _hook?.Invoke(new DeadLetter(actorName, message));
        }
#pragma warning disable CA1031 // A faulty hook must not take the sender or the actor down with it; the letter is already counted.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}

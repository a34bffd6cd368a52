namespace Threadwork.Actors;

/// <summary>A loop actor's side of its mailbox: what the recipe's <c>recv()</c> was, with the end of the loop built in.</summary>
/// <typeparam name="TMessage">The messages the actor accepts.</typeparam>
/// <example>
/// <code>
/// var printer = Actor.StartLoop&lt;string&gt;(inbox =&gt;
/// {
///     while (inbox.Receive(out var message))
///         Console.WriteLine($"Got: {message}");
/// });
/// </code>
/// </example>
public sealed class ActorInbox<TMessage>
{
    /// <summary>The actor this inbox belongs to.</summary>
    private readonly LoopActor<TMessage> _owner;

    internal ActorInbox(LoopActor<TMessage> owner) => _owner = owner;

    /// <summary>The actor's name.</summary>
    public string Name => _owner.Name;

    /// <summary>Takes the next message, waiting while there is none.</summary>
    /// <param name="message">The message, when the result is <see langword="true"/>.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    /// <returns><see langword="false"/> once the actor is closed and drained, or stopped: the loop should return.</returns>
    public bool Receive(out TMessage message, CancellationToken cancellationToken = default) =>
        _owner.Receive(out message, cancellationToken);
}

namespace Threadwork.Actors;

/// <summary>A message that reached an actor after it stopped accepting messages.</summary>
/// <param name="ActorName">The actor the message was sent to.</param>
/// <param name="Message">The message, never handled.</param>
public readonly record struct DeadLetter(string ActorName, object? Message);

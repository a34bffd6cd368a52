namespace Threadwork.Messaging;

/// <summary>
/// Anything that receives the messages of an <see cref="Exchange{T}"/>: the recipe's task with a
/// <c>send</c> method. A user's type, an actor or an adapter implements it; a delegate or a
/// <see cref="Queues.WorkQueue{T}"/> can be attached directly without it.
/// </summary>
/// <typeparam name="T">The type of the messages.</typeparam>
/// <example>
/// <code>
/// sealed class DisplayMessages : ISubscriber&lt;string&gt;
/// {
///     private int _count;
///     public void Send(string message) => Console.WriteLine($"msg[{++_count}]: '{message}'");
/// }
/// </code>
/// </example>
public interface ISubscriber<in T>
{
    /// <summary>
    /// Receives one message. With synchronous delivery it runs on the sender's thread; with queued
    /// delivery on a thread-pool thread, one message at a time, in the order they were sent. An
    /// exception it throws is reported to the exchange's fault hook and stops nothing else.
    /// </summary>
    /// <param name="message">The message.</param>
    void Send(T message);
}

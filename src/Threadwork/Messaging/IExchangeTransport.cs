namespace Threadwork.Messaging;

/// <summary>
/// The seam between an <see cref="Exchange{T}"/> and a message transport that carries messages between
/// processes (NATS, in Threadwork.Nats). An exchange bridged with <see cref="Exchange{T}.Bridge"/>
/// publishes every send here and delivers to its subscribers whatever arrives here, so subscribers do
/// not change when an exchange goes distributed.
/// </summary>
/// <remarks>
/// What a transport must do: deliver every message published on a subject to every current
/// subscription of that subject, in every process, including the publishing one (an exchange's own
/// messages reach its own subscribers through the transport). Ordering, durability and how it
/// serialises messages are the transport's to state.
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
public interface IExchangeTransport<T>
{
    /// <summary>Publishes one message on a subject. Called by <see cref="Exchange{T}.Send"/>, on the sender's thread.</summary>
    /// <param name="subject">The subject (the exchange's name, by default).</param>
    /// <param name="message">The message.</param>
    void Publish(string subject, T message);

    /// <summary>Starts delivering the messages published on a subject, until the result is disposed.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="deliver">Hands one message to the exchange's subscribers; it throws only what <see cref="Exchange{T}.Send"/> would throw unbridged.</param>
    /// <returns>Disposing it stops the deliveries.</returns>
    IDisposable Subscribe(string subject, Action<T> deliver);
}

namespace Threadwork.Messaging;

/// <summary>A subscriber threw while receiving a message; what an exchange's fault hook receives.</summary>
public sealed class SubscriberFault
{
    internal SubscriberFault(string? exchangeName, object subscriber, object? message, Exception error, bool queued)
    {
        ExchangeName = exchangeName;
        Subscriber = subscriber;
        Message = message;
        Error = error;
        Queued = queued;
    }

    /// <summary>The name of the exchange, or null if it has none.</summary>
    public string? ExchangeName { get; }

    /// <summary>What was attached: the <see cref="ISubscriber{T}"/>, the delegate or the queue.</summary>
    public object Subscriber { get; }

    /// <summary>The message the subscriber failed on.</summary>
    public object? Message { get; }

    /// <summary>What the subscriber threw.</summary>
    public Exception Error { get; }

    /// <summary>True if the subscriber was receiving through a backlog (on a thread-pool thread), false if on the sender's thread.</summary>
    public bool Queued { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"subscriber {Subscriber} of exchange '{ExchangeName}' failed on {Message}: {Error.GetType().Name}: {Error.Message}";
}

namespace Threadwork.Queues;

/// <summary>
/// Thrown by a put on a closed queue, and by a get on a queue that is closed and has no items left.
/// When the queue was closed with <see cref="WorkQueue{T}.Close(Exception)"/>, the get's exception
/// carries that error as its <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class QueueClosedException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public QueueClosedException()
        : base("The queue is closed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What happened, for the user.</param>
    public QueueClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the error the queue was closed with.</summary>
    /// <param name="message">What happened, for the user.</param>
    /// <param name="innerException">The error given to <see cref="WorkQueue{T}.Close(Exception)"/>.</param>
    public QueueClosedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The name of the closed queue, or null if it has none.</summary>
    public string? QueueName { get; init; }
}

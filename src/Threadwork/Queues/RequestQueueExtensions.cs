namespace Threadwork.Queues;

/// <summary>
/// Ask a consumer and wait for its answer: put a <see cref="Request{TRequest, TReply}"/> on a queue
/// and receive that request's reply or failure.
/// </summary>
public static class RequestQueueExtensions
{
    /// <summary>Puts a request and waits asynchronously for its reply.</summary>
    /// <typeparam name="TRequest">What is asked.</typeparam>
    /// <typeparam name="TReply">What is answered.</typeparam>
    /// <param name="queue">The consumer's queue.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="cancellationToken">Stops waiting (for room or for the reply) with <see cref="OperationCanceledException"/>; the consumer sees it as <see cref="Request{TRequest, TReply}.CancellationToken"/>.</param>
    /// <returns>The consumer's reply; throws the consumer's failure.</returns>
    /// <exception cref="QueueClosedException">The queue is closed; the request was not put.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    public static async Task<TReply> AskAsync<TRequest, TReply>(this WorkQueue<Request<TRequest, TReply>> queue, TRequest payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var request = new Request<TRequest, TReply>(payload, cancellationToken);
        await queue.PutAsync(request, cancellationToken).ConfigureAwait(false);
        return await request.Reply.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a request and blocks until its reply.</summary>
    /// <typeparam name="TRequest">What is asked.</typeparam>
    /// <typeparam name="TReply">What is answered.</typeparam>
    /// <param name="queue">The consumer's queue.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="cancellationToken">Stops waiting (for room or for the reply) with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The consumer's reply; throws the consumer's failure (not wrapped).</returns>
    /// <exception cref="QueueClosedException">The queue is closed; the request was not put.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    public static TReply Ask<TRequest, TReply>(this WorkQueue<Request<TRequest, TReply>> queue, TRequest payload, CancellationToken cancellationToken = default) =>
        Ask(queue, payload, Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>Puts a request and blocks at most <paramref name="timeout"/> (for room and the reply together) until its reply.</summary>
    /// <typeparam name="TRequest">What is asked.</typeparam>
    /// <typeparam name="TReply">What is answered.</typeparam>
    /// <param name="queue">The consumer's queue.</param>
    /// <param name="payload">What is asked.</param>
    /// <param name="timeout">How long to wait in all; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Stops waiting with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The consumer's reply; throws the consumer's failure (not wrapped).</returns>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/>; the consumer sees the request cancelled.</exception>
    /// <exception cref="QueueClosedException">The queue is closed; the request was not put.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="queue"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    public static TReply Ask<TRequest, TReply>(this WorkQueue<Request<TRequest, TReply>> queue, TRequest payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, Timeout.InfiniteTimeSpan);

        // Disposed only once the request is answered: an abandoned request may still sit in the queue,
        // and its consumer must be able to observe (and register on) the token without it being disposed.
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        var request = new Request<TRequest, TReply>(payload, deadline.Token);
        try
        {
            queue.Put(request, deadline.Token);
            request.Reply.Wait(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply within {timeout}; the request was abandoned and its cancellation token cancelled.");
        }
        catch (AggregateException)
        {
            // Re-thrown below, unwrapped, with its original stack.
        }

        deadline.Dispose();
        return request.Reply.GetAwaiter().GetResult();
    }
}

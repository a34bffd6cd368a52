namespace Threadwork.Queues;

/// <summary>
/// A request put on a queue whose sender receives exactly one reply: the consumer's result or its
/// failure (recipe 12.3's <c>(data, Event)</c> pair, typed, and carrying the result back).
/// </summary>
/// <remarks>
/// The consumer calls <see cref="Complete"/> or <see cref="Fail"/> once, or <see cref="Handle"/>,
/// which runs a handler and does the right one. The sender awaits <see cref="Reply"/>, usually through
/// <see cref="RequestQueueExtensions.AskAsync{TRequest, TReply}(WorkQueue{Request{TRequest, TReply}}, TRequest, CancellationToken)"/>.
/// A sender that gives up (its token is cancelled) does not stop the consumer; the consumer may check
/// <see cref="CancellationToken"/> to skip work nobody waits for.
/// </remarks>
/// <typeparam name="TRequest">What the sender asks.</typeparam>
/// <typeparam name="TReply">What the consumer answers.</typeparam>
/// <example>
/// <code>
/// var requests = new WorkQueue&lt;Request&lt;string, int&gt;&gt;();
/// // consumer:
/// foreach (var request in requests.Consume()) request.Handle(text =&gt; text.Length);
/// // producer:
/// int length = await requests.AskAsync("hello");   // 5
/// </code>
/// </example>
public sealed class Request<TRequest, TReply>
{
    /// <summary>The reply; completed once, by the first of Complete, Fail or Handle.</summary>
    private readonly TaskCompletionSource<TReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a request.</summary>
    /// <param name="payload">What is asked.</param>
    /// <param name="cancellationToken">The sender's token: cancelled when the sender stops waiting.</param>
    public Request(TRequest payload, CancellationToken cancellationToken = default)
    {
        Payload = payload;
        CancellationToken = cancellationToken;
    }

    /// <summary>What is asked.</summary>
    public TRequest Payload { get; }

    /// <summary>Cancelled when the sender stops waiting for the reply.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Completes with the consumer's result, or faults with its failure; cancelled if the handler was cancelled.</summary>
    public Task<TReply> Reply => _reply.Task;

    /// <summary>True once a reply or failure was given.</summary>
    public bool IsAnswered => _reply.Task.IsCompleted;

    /// <summary>Answers the request with a result.</summary>
    /// <param name="reply">The result the sender receives.</param>
    /// <exception cref="InvalidOperationException">The request was already answered.</exception>
    public void Complete(TReply reply)
    {
        if (!_reply.TrySetResult(reply))
        {
            throw AlreadyAnswered();
        }
    }

    /// <summary>Answers the request with a failure; the sender's wait throws <paramref name="error"/>.</summary>
    /// <param name="error">Why the request failed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="error"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The request was already answered.</exception>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!_reply.TrySetException(error))
        {
            throw AlreadyAnswered();
        }
    }

    /// <summary>
    /// Runs <paramref name="handler"/> on the payload and answers with its result, or with the exception
    /// it throws (an <see cref="OperationCanceledException"/> for <see cref="CancellationToken"/> cancels the reply).
    /// The handler's exception goes to the sender, not to the caller of Handle.
    /// </summary>
    /// <param name="handler">Computes the reply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The request was already answered.</exception>
    public void Handle(Func<TRequest, TReply> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (IsAnswered)
        {
            throw AlreadyAnswered();
        }

        TReply reply;
        try
        {
            reply = handler(Payload);
        }
        catch (OperationCanceledException e) when (e.CancellationToken == CancellationToken && CancellationToken.IsCancellationRequested)
        {
            _reply.TrySetCanceled(CancellationToken);
            return;
        }
#pragma warning disable CA1031 // The failure belongs to the sender: it is handed over, not swallowed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
            return;
        }

        Complete(reply);
    }

    private static InvalidOperationException AlreadyAnswered() =>
        new("This request was already answered; a request gets exactly one reply or failure.");
}

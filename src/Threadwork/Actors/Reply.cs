namespace Threadwork.Actors;

/// <summary>
/// The reply half of an ask: the actor completes it with a value or a failure, once. Carried inside
/// the request message, so the request type says what reply it expects.
/// </summary>
/// <typeparam name="TReply">The reply type.</typeparam>
/// <example>
/// <code>
/// record GetTotal(Reply&lt;int&gt; Reply) : CounterMessage;
/// // in the handler:  case GetTotal(var reply): reply.Complete(total); break;
/// int total = await counter.Ask&lt;int&gt;(r =&gt; new GetTotal(r), TimeSpan.FromSeconds(1));
/// </code>
/// </example>
public sealed class Reply<TReply>
{
    /// <summary>Completed once by the actor; continuations run off the actor's thread.</summary>
    private readonly TaskCompletionSource<TReply> _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Reply()
    {
    }

    /// <summary>Whether a value or failure has been given (or the ask gave up waiting and cancelled it).</summary>
    public bool IsCompleted => _source.Task.IsCompleted;

    internal Task<TReply> Task => _source.Task;

    /// <summary>Replies with a value.</summary>
    /// <param name="value">The reply.</param>
    /// <returns><see langword="false"/> if the reply was already given.</returns>
    public bool Complete(TReply value) => _source.TrySetResult(value);

    /// <summary>Replies with a failure; the asker's task faults with it.</summary>
    /// <param name="error">The failure.</param>
    /// <returns><see langword="false"/> if the reply was already given.</returns>
    public bool Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return _source.TrySetException(error);
    }

    internal static async Task<TReply> AskAsync(Func<Reply<TReply>, bool> post, string actorName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = new Reply<TReply>();
        if (!post(reply))
        {
            throw new InvalidOperationException($"Actor '{actorName}' no longer accepts messages; the request went to dead letters.");
        }

        try
        {
            return await reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            reply._source.TrySetCanceled(CancellationToken.None);
            throw new TimeoutException($"Actor '{actorName}' did not reply within {timeout}.", e);
        }
    }
}

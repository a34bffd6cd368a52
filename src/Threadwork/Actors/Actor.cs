namespace Threadwork.Actors;

/// <summary>
/// Starts actors (recipe 12.10): handler actors on shared threads, loop actors on a thread of their own,
/// and the recipe's worker actor.
/// </summary>
/// <example>
/// <code>
/// abstract record Shape;
/// sealed record Circle(double R) : Shape;
/// sealed record Square(double Side) : Shape;
///
/// var areas = Actor.Start&lt;Shape&gt;(() =&gt;
/// {
///     var total = 0.0;                       // the actor's state: fresh again after a restart
///     return shape =&gt; total += shape switch  // tagged messages: records and pattern matching
///     {
///         Circle(var r) =&gt; Math.PI * r * r,
///         Square(var s) =&gt; s * s,
///         _ =&gt; throw new ArgumentException($"unknown shape {shape}"),
///     };
/// }, "areas");
/// areas.Send(new Circle(1));
/// areas.Close();    // handles what is queued, then completes
/// areas.Join();     // re-throws the failure that stopped it, if any
/// </code>
/// </example>
public static class Actor
{
    /// <summary>The last id handed out for a default actor name.</summary>
    private static long s_lastId;

    /// <summary>Starts a handler actor whose state lives in the closure <paramref name="createHandler"/> returns.</summary>
    /// <typeparam name="TMessage">The messages it accepts.</typeparam>
    /// <param name="createHandler">Makes fresh state and the handler over it; called now and on every supervised restart.</param>
    /// <param name="name">The actor's name; null for "actor-N".</param>
    /// <param name="options">Mailbox, turn size, supervision and dead letters; null for <see cref="ActorOptions.Default"/>.</param>
    /// <returns>The running actor.</returns>
    public static HandlerActor<TMessage> Start<TMessage>(Func<Action<TMessage>> createHandler, string? name = null, ActorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(createHandler);
        return new HandlerActor<TMessage>(createHandler, null, name, Validate(options));
    }

    /// <summary>Starts a stateless handler actor; a restart keeps the same handler.</summary>
    /// <typeparam name="TMessage">The messages it accepts.</typeparam>
    /// <param name="handler">Handles one message at a time.</param>
    /// <param name="name">The actor's name; null for "actor-N".</param>
    /// <param name="options">Mailbox, turn size, supervision and dead letters; null for <see cref="ActorOptions.Default"/>.</param>
    /// <returns>The running actor.</returns>
    public static HandlerActor<TMessage> Start<TMessage>(Action<TMessage> handler, string? name = null, ActorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new HandlerActor<TMessage>(null, handler, name, Validate(options));
    }

    /// <summary>
    /// Starts a loop actor, as in the recipe: a dedicated thread runs <paramref name="body"/>, which takes
    /// messages with <see cref="ActorInbox{TMessage}.Receive(out TMessage, CancellationToken)"/> until it returns false.
    /// </summary>
    /// <typeparam name="TMessage">The messages it accepts.</typeparam>
    /// <param name="body">The actor's loop; an exception it throws faults <see cref="LoopActor{TMessage}.Completion"/>.</param>
    /// <param name="name">The actor's name, also its thread's name; null for "actor-N".</param>
    /// <param name="options">Mailbox capacity and dead letters; supervision and turn size do not apply to a loop.</param>
    /// <returns>The running actor.</returns>
    public static LoopActor<TMessage> StartLoop<TMessage>(Action<ActorInbox<TMessage>> body, string? name = null, ActorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var actor = new LoopActor<TMessage>(body, name ?? $"actor-{NextId()}", Validate(options));
        actor.Start();
        return actor;
    }

    /// <summary>Starts the recipe's worker actor: a thread that runs submitted functions in order.</summary>
    /// <param name="name">The actor's name; null for "actor-N".</param>
    /// <returns>The running worker.</returns>
    public static WorkerActor StartWorker(string? name = null) =>
        new(StartLoop<Action>(RunJobs, name));

    internal static long NextId() => Interlocked.Increment(ref s_lastId);

    private static void RunJobs(ActorInbox<Action> inbox)
    {
        while (inbox.Receive(out var job))
        {
            job();
        }
    }

    private static ActorOptions Validate(ActorOptions? options)
    {
        options ??= ActorOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MessagesPerTurn, 1, nameof(options));
        if (options.MailboxCapacity is { } capacity)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, nameof(options));
        }

        return options;
    }
}

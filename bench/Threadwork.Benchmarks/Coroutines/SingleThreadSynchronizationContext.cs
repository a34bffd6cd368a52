namespace Threadwork.Benchmarks.Coroutines;

/// <summary>
/// The async/await peer of a coroutine scheduler: every continuation posted to this context runs on the
/// one thread that calls <see cref="RunUntil"/>, in the order posted (what a UI loop or AsyncEx's
/// AsyncContext gives). Posts are taken under a lock so that any thread may post, as a real context must.
/// </summary>
public sealed class SingleThreadSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();
    private readonly Lock _lock = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            _posted.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Send would block the only thread.");

    /// <summary>Runs posted continuations on the calling thread until <paramref name="done"/> has completed.</summary>
    public void RunUntil(Task done)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (!done.IsCompleted)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (_lock)
                {
                    if (!_posted.TryDequeue(out next))
                    {
                        throw new InvalidOperationException("Nothing posted and the work is not done: in these benchmarks every wait is a Task.Yield.");
                    }
                }

                next.Callback(next.State);
            }

            done.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}

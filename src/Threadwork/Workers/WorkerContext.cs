namespace Threadwork.Workers;

/// <summary>
/// What a worker's body receives: its name, the stop request it must observe, and the way to
/// report that it is ready.
/// </summary>
/// <remarks>
/// Every blocking call a body makes should take <see cref="StopToken"/>, so that
/// <see cref="Worker.Stop"/> ends the wait at once instead of after a polling timeout.
/// </remarks>
public sealed class WorkerContext
{
    /// <summary>The worker this context belongs to; the only source of its state.</summary>
    private readonly Worker _worker;

    internal WorkerContext(Worker worker, CancellationToken stopToken)
    {
        _worker = worker;
        StopToken = stopToken;
    }

    /// <summary>The name the worker was created with (also its thread's name).</summary>
    public string Name => _worker.Name;

    /// <summary>Cancelled when <see cref="Worker.Stop"/> is called. Pass it to every blocking call.</summary>
    public CancellationToken StopToken { get; }

    /// <summary>True once <see cref="Worker.Stop"/> has been called.</summary>
    public bool IsStopRequested => StopToken.IsCancellationRequested;

    /// <summary>
    /// Completes <see cref="Worker.Started"/>: the body is ready (recipe 12.2's
    /// <c>started_evt.set()</c>). Calling it more than once has no further effect.
    /// Only meaningful for a worker created with <see cref="Worker.SignalsStarted"/> set; otherwise
    /// <see cref="Worker.Started"/> completed when the body was entered.
    /// </summary>
    public void SignalStarted() => _worker.CompleteStarted();

    /// <summary>
    /// Sleeps for <paramref name="duration"/> unless the worker is stopped first.
    /// </summary>
    /// <param name="duration">How long to sleep; zero returns at once.</param>
    /// <returns><see langword="true"/> if the whole duration passed; <see langword="false"/> as soon as a stop was requested.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative (other than infinite) or too long.</exception>
    /// <example>
    /// <code>
    /// while (ctx.Sleep(TimeSpan.FromSeconds(5))) { Console.WriteLine("tick"); }
    /// </code>
    /// </example>
    public bool Sleep(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, Timeout.InfiniteTimeSpan);
        return !StopToken.WaitHandle.WaitOne(duration);
    }
}

namespace Threadwork.Coroutines;

/// <summary>Where a <see cref="Coroutine"/> is in its life. Every state but <see cref="Pending"/> is final.</summary>
public enum CoroutineState
{
    /// <summary>Spawned and not finished: ready to run, running, or suspended.</summary>
    Pending = 0,

    /// <summary>Its body returned (the iterator ran to its end or reached <c>yield break</c>).</summary>
    Completed,

    /// <summary>Its body threw; the exception is in <see cref="Coroutine.Fault"/>.</summary>
    Faulted,

    /// <summary>
    /// <see cref="CoroutineScheduler.Run"/> ended while it waited for a message, or for another coroutine,
    /// that nothing left could produce (the recipe's actors end this way when their message queue is empty).
    /// Its iterator was disposed, so its <c>finally</c> blocks ran.
    /// </summary>
    Stranded,

    /// <summary><see cref="CoroutineScheduler.Run"/> was cancelled before it finished; its iterator was disposed, so its <c>finally</c> blocks ran.</summary>
    Cancelled,
}

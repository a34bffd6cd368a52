namespace Threadwork.Locks;

/// <summary>
/// Thrown at once, before any waiting, when a thread asks for locks out of rank order: it holds a lock
/// whose rank is the same as or higher than the lowest-ranked lock it asks for. The message names both
/// locks and the thread. Nothing new is held when it is thrown.
/// </summary>
public sealed class LockOrderException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public LockOrderException()
        : base("Lock order violation: locks must be taken in rank order.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What was wrong.</param>
    public LockOrderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public LockOrderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal LockOrderException(OrderedLock held, OrderedLock requested, string threadName)
        : base(ReferenceEquals(held, requested)
            ? $"Lock order violation: thread '{threadName}' already holds '{held.Name}' and asked for it again; an OrderedLock is not re-entrant."
            : $"Lock order violation: thread '{threadName}' holds '{held.Name}' (rank {held.Rank}) and asked for '{requested.Name}' (rank {requested.Rank}). "
              + $"Locks must be taken in rising rank order: take them together with OrderedLock.AcquireAll, or release '{held.Name}' first.")
    {
        HeldLockName = held.Name;
        RequestedLockName = requested.Name;
        ThreadName = threadName;
    }

    /// <summary>The name of the lock the thread already held; null if the exception was not raised by an <see cref="OrderedLock"/>.</summary>
    public string? HeldLockName { get; }

    /// <summary>The name of the lock the thread asked for out of order.</summary>
    public string? RequestedLockName { get; }

    /// <summary>The name of the thread that asked (its ManagedThreadId when it has no name).</summary>
    public string? ThreadName { get; }
}

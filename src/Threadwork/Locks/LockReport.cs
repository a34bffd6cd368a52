namespace Threadwork.Locks;

/// <summary>One finding of the <see cref="LockOrderValidator"/>: a potential deadlock or a long wait.</summary>
public sealed class LockReport
{
    internal LockReport(LockReportKind kind, string message, IReadOnlyList<string> lockNames, string threadName, string? holderThreadName)
    {
        Kind = kind;
        Message = message;
        LockNames = lockNames;
        ThreadName = threadName;
        HolderThreadName = holderThreadName;
    }

    /// <summary>What the report is about.</summary>
    public LockReportKind Kind { get; }

    /// <summary>
    /// The full report, for people: for a cycle, every edge of it with the thread and stack trace where that
    /// order was first seen; for a long wait, the lock, the waiting thread and the thread holding it.
    /// </summary>
    public string Message { get; }

    /// <summary>
    /// For a cycle, the locks in cycle order, the first repeated at the end (A, B, A); for a long wait, the
    /// one lock waited for.
    /// </summary>
    public IReadOnlyList<string> LockNames { get; }

    /// <summary>The thread whose acquisition completed the cycle, or the thread that is waiting.</summary>
    public string ThreadName { get; }

    /// <summary>
    /// For a long wait, the thread that held the lock when the limit passed; null if it was released meanwhile
    /// or taken while the validator was off. Null for a cycle.
    /// </summary>
    public string? HolderThreadName { get; }

    /// <inheritdoc/>
    public override string ToString() => Message;
}

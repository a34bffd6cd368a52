namespace Threadwork.Locks;

/// <summary>What a <see cref="LockReport"/> is about.</summary>
public enum LockReportKind
{
    /// <summary>Two or more code paths take the same locks in orders that form a cycle: they can deadlock.</summary>
    PotentialDeadlock,

    /// <summary>A thread has waited for a lock longer than <see cref="LockOrderValidator.LongWaitLimit"/>.</summary>
    LongWait,
}

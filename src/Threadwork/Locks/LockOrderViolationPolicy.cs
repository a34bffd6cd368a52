namespace Threadwork.Locks;

/// <summary>What the <see cref="LockOrderValidator"/> does when it finds a lock-order cycle.</summary>
public enum LockOrderViolationPolicy
{
    /// <summary>
    /// The acquisition that closes the cycle throws <see cref="PotentialDeadlockException"/> before it waits,
    /// so it holds nothing new. The default: a test run fails where the orders disagree.
    /// </summary>
    Throw,

    /// <summary>The report goes to <see cref="LockOrderValidator.Reporter"/> and the acquisition goes on.</summary>
    Report,
}

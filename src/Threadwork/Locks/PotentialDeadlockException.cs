namespace Threadwork.Locks;

/// <summary>
/// Thrown by an acquisition that completes a lock-order cycle while the <see cref="LockOrderValidator"/> is
/// on with <see cref="LockOrderViolationPolicy.Throw"/>. It is thrown before the acquisition waits, so the
/// thread holds nothing it did not hold before the call. <see cref="Report"/> has the whole cycle.
/// </summary>
public sealed class PotentialDeadlockException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public PotentialDeadlockException()
        : base("Potential deadlock: locks are taken in a cycle.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What was wrong.</param>
    public PotentialDeadlockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PotentialDeadlockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal PotentialDeadlockException(LockReport report)
        : base(report.Message)
    {
        Report = report;
    }

    /// <summary>The validator's report of the cycle; null if the exception was not raised by the validator.</summary>
    public LockReport? Report { get; }
}

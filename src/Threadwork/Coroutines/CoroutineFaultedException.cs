namespace Threadwork.Coroutines;

/// <summary>
/// Thrown by <see cref="CoroutineScheduler.Run"/> after every coroutine has finished, when one or more of
/// them threw and the scheduler has no <see cref="CoroutineScheduler.FaultReporter"/>: the faults are never
/// lost, and the other coroutines ran on to their end. <see cref="Exception.InnerException"/> is the first fault.
/// </summary>
public sealed class CoroutineFaultedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public CoroutineFaultedException()
        : base("A coroutine failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What was wrong.</param>
    public CoroutineFaultedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CoroutineFaultedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal CoroutineFaultedException(IReadOnlyList<Coroutine> faulted)
        : base(Describe(faulted), faulted[0].Fault)
    {
        Faulted = faulted;
    }

    /// <summary>The coroutines that threw, in the order they failed; each has its <see cref="Coroutine.Name"/> and <see cref="Coroutine.Fault"/>.</summary>
    public IReadOnlyList<Coroutine> Faulted { get; } = [];

    private static string Describe(IReadOnlyList<Coroutine> faulted) =>
        (faulted.Count == 1 ? "Coroutine " : $"{faulted.Count} coroutines failed: ")
        + string.Join(", ", faulted.Select(c => $"'{c.Name}' failed with {c.Fault!.GetType().Name}: {c.Fault.Message}"))
        + (faulted.Count == 1 ? "; the other coroutines ran to their end." : "; the others ran to their end.");
}

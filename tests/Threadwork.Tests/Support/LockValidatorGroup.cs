using Threadwork.Locks;
using Threadwork.Workers;

namespace Threadwork.Tests.Support;

/// <summary>
/// The lock-order validator is process-wide, so every lock test runs in this one collection, never in
/// parallel with another, and starts and ends with the validator reset.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LockValidatorGroup
{
    public const string Name = "Lock-order validator (global state)";
}

/// <summary>Base of the lock test classes: resets the validator before and after each test.</summary>
public abstract class LockValidatorTestBase : IDisposable
{
    protected LockValidatorTestBase()
    {
        LockOrderValidator.Reset();
    }

    /// <summary>The worker's result, waiting a bounded time for it.</summary>
    protected static T Finished<T>(Worker<T> worker)
    {
        Assert.True(worker.Join(Wait.Bound), $"worker '{worker.Name}' did not finish");
        return worker.Result;
    }

    public void Dispose()
    {
        LockOrderValidator.Reset();
        GC.SuppressFinalize(this);
    }
}

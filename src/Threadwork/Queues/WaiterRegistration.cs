namespace Threadwork.Queues;

/// <summary>What <see cref="WorkQueue{T}.TryTakeOrRegister"/> did with a waiter.</summary>
internal enum WaiterRegistration
{
    /// <summary>The queue was empty and open: the waiter is on its list until claimed or withdrawn.</summary>
    Registered,

    /// <summary>The waiter was claimed and an item taken at once; it was not registered.</summary>
    Taken,

    /// <summary>The waiter was claimed and the queue is closed and drained; it was not registered.</summary>
    Closed,

    /// <summary>The waiter had already been claimed (by another queue or its owner): nothing was taken or registered.</summary>
    AlreadyClaimed,
}

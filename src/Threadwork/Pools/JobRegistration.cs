namespace Threadwork.Pools;

/// <summary>
/// A job's hold on its submitter's token registration: kept until the job ends, then disposed exactly once,
/// whichever of the submitter (attaching) and the job's end (detaching) comes second. A mutable struct: keep it
/// in a field, never copy it.
/// </summary>
internal struct JobRegistration
{
    private const int NoRegistration = 0;
    private const int Attached = 1;
    private const int Detached = 2;

    /// <summary>NoRegistration, Attached (the submitter stored <see cref="_registration"/>) or Detached (the job ended); moves once each way.</summary>
    private int _state;

    /// <summary>The submitter's token registration; written once by the submitter before it publishes <see cref="Attached"/>.</summary>
    private CancellationTokenRegistration _registration;

    /// <summary>Keeps the submitter's registration until the job ends; disposes it at once if that already happened.</summary>
    public void Attach(CancellationTokenRegistration registration)
    {
        _registration = registration;

        // The exchange publishes the write above to whichever thread later detaches.
        if (Interlocked.CompareExchange(ref _state, Attached, NoRegistration) == Detached)
        {
            registration.Dispose();
        }
    }

    /// <summary>The job has ended (started, for a thread-pool job): the registration is no longer needed.</summary>
    public void Detach()
    {
        // Only the thread that sees Attached here disposes, so a long-lived submitter token does not collect
        // one registration per job. Disposing from inside the registration's own callback (a cancel) returns
        // at once.
        if (Interlocked.Exchange(ref _state, Detached) == Attached)
        {
            _registration.Dispose();
        }
    }
}

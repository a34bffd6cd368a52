using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Threadwork.Pools;

/// <summary>
/// A submitted process job and the task of its result; it is its own <see cref="TaskCompletionSource{TResult}"/>,
/// so a submit allocates the job, its frame and nothing else (plus a registration when the token can cancel).
/// </summary>
/// <typeparam name="TResult">The job's result.</typeparam>
internal sealed class PendingProcessJob<TResult>(string name, byte[] frame, JsonTypeInfo<TResult> resultTypeInfo, TimeSpan? timeout)
    : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), IProcessPoolJob
{
    private const int Queued = 0;
    private const int Started = 1;
    private const int Cancelled = 2;

    /// <summary>Queued, then Started (by the pool, handing it to a slot) or Cancelled (by the token or a shutdown), whichever wins.</summary>
    private int _state;

    /// <summary>The submitter's token registration, disposed once the job no longer needs it.</summary>
    private JobRegistration _registration;

    /// <summary>Written by the thread that starts the job, read by a cancelling thread.</summary>
    private volatile ProcessPoolSlot? _slot;

    public string Name => name;

    public byte[] Frame => frame;

    public TimeSpan? Timeout => timeout;

    public int Attempts { get; set; }

    public ProcessPoolSlot? Slot
    {
        get => _slot;
        set => _slot = value;
    }

    public bool IsCompleted => Task.IsCompleted;

    public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

    public bool TryCancelQueued()
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) != Queued)
        {
            return false;
        }

        CancelTask();
        return true;
    }

    public void CancelTask()
    {
        TrySetCanceled();
        DetachRegistration();
    }

    public void Complete(ReadOnlySpan<byte> json)
    {
        try
        {
            TrySetResult(JsonSerializer.Deserialize(json, resultTypeInfo)!);
        }
        catch (JsonException e)
        {
            TrySetException(new ProcessJobException($"Job '{name}' returned a result that does not read as {typeof(TResult).Name}: {e.Message}", e));
        }

        DetachRegistration();
    }

    public void Fail(Exception error)
    {
        TrySetException(error);
        DetachRegistration();
    }

    /// <summary>Keeps the submitter's registration until the job no longer needs it; disposes it at once if that already happened.</summary>
    public void AttachRegistration(CancellationTokenRegistration registration) => _registration.Attach(registration);

    private void DetachRegistration() => _registration.Detach();
}

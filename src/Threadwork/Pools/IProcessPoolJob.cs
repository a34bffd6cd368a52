namespace Threadwork.Pools;

/// <summary>A job submitted to a <see cref="ProcessPool"/>, seen without its result type.</summary>
internal interface IProcessPoolJob
{
    /// <summary>The job's name, for messages.</summary>
    string Name { get; }

    /// <summary>The run frame, argument included, built once at submit; the slot writes each attempt's id into it.</summary>
    byte[] Frame { get; }

    /// <summary>How long one attempt may run before its worker is killed; null for no limit.</summary>
    TimeSpan? Timeout { get; }

    /// <summary>Attempts made so far; changed only by the slot that runs the job.</summary>
    int Attempts { get; set; }

    /// <summary>The slot running the job, once started; read by a cancelling thread.</summary>
    ProcessPoolSlot? Slot { get; set; }

    /// <summary>True once the job's task has completed in any way.</summary>
    bool IsCompleted { get; }

    /// <summary>Moves the job from queued to started; false if it was cancelled first.</summary>
    bool TryStart();

    /// <summary>Cancels the job if it has not started; false if it already started or ended.</summary>
    bool TryCancelQueued();

    /// <summary>Cancels the job's task whatever its state (the running attempt is dealt with by its slot).</summary>
    void CancelTask();

    /// <summary>Completes the task with the result read from <paramref name="json"/> (faulted if it does not read).</summary>
    void Complete(ReadOnlySpan<byte> json);

    /// <summary>Faults the task.</summary>
    void Fail(Exception error);
}

namespace Threadwork.Coroutines;

/// <summary>What a <see cref="Suspend"/> waits for. Zero is the plain yield, so <c>default(Suspend)</c> is one.</summary>
internal enum SuspendKind
{
    /// <summary>Nothing: the coroutine goes to the back of the ready queue.</summary>
    Yield = 0,

    /// <summary>A duration, held as Stopwatch ticks.</summary>
    Sleep,

    /// <summary>A socket that can be read without blocking (data, a connection to accept, or the peer's close).</summary>
    Readable,

    /// <summary>A socket that can be written without blocking.</summary>
    Writable,

    /// <summary>At least one message in the coroutine's own mailbox.</summary>
    Message,

    /// <summary>Another coroutine finishing, whichever way it finishes.</summary>
    Completion,
}

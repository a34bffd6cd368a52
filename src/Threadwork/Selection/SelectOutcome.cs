namespace Threadwork.Selection;

/// <summary>Which kind of case ended a select (see <see cref="SelectResult{T}.Outcome"/>).</summary>
public enum SelectOutcome
{
    /// <summary>Not a result: the value of a default-initialised <see cref="SelectResult{T}"/>.</summary>
    None = 0,

    /// <summary>An item was taken from the queue of case <see cref="SelectResult{T}.Index"/>; nothing else was taken.</summary>
    Item,

    /// <summary>The queue of case <see cref="SelectResult{T}.Index"/> is closed and drained: it will never give an item again.</summary>
    Closed,

    /// <summary>
    /// The socket of case <see cref="SelectResult{T}.Index"/> is readable: data, the end of the stream or an
    /// error is waiting, so the next receive will not block. Select read nothing from it.
    /// </summary>
    Readable,

    /// <summary>The timeout passed with no case ready; nothing was taken.</summary>
    TimedOut,

    /// <summary>The default case: no case was ready at the moment of asking (<see cref="Selector{T}.Now"/>); nothing was taken.</summary>
    NothingReady,
}

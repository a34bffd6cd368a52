using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Threadwork.Queues;

namespace Threadwork.Selection;

/// <summary>
/// What one select did: which case fired (its <see cref="Index"/>, and its <see cref="Queue"/> or
/// <see cref="Socket"/>), the item taken if any, or that it timed out or found nothing ready.
/// </summary>
/// <typeparam name="T">The type of the queues' items.</typeparam>
/// <example>
/// <code>
/// var result = select.Wait(TimeSpan.FromSeconds(1));
/// switch (result.Outcome)
/// {
///     case SelectOutcome.Item: Console.WriteLine($"Got: {result.Item} from {result.Queue!.Name}"); break;
///     case SelectOutcome.Closed: select.Remove(result.Index); break;
///     case SelectOutcome.Readable: var n = result.Socket!.Receive(buffer); break;
///     case SelectOutcome.TimedOut: break;
/// }
/// </code>
/// </example>
public readonly record struct SelectResult<T>
{
    internal SelectResult(SelectOutcome outcome, int index, WorkQueue<T>? queue, Socket? socket, T? item, Exception? error)
    {
        Outcome = outcome;
        Index = index;
        Queue = queue;
        Socket = socket;
        Item = item;
        Error = error;
    }

    /// <summary>Which kind of case ended the select.</summary>
    public SelectOutcome Outcome { get; }

    /// <summary>
    /// The index of the case that fired, as returned by <see cref="Selector{T}.Add(WorkQueue{T})"/> or
    /// <see cref="Selector{T}.AddReadable(Socket)"/>; -1 for <see cref="SelectOutcome.TimedOut"/> and
    /// <see cref="SelectOutcome.NothingReady"/>.
    /// </summary>
    public int Index { get; }

    /// <summary>The queue of the case that fired, for <see cref="SelectOutcome.Item"/> and <see cref="SelectOutcome.Closed"/>; else null.</summary>
    public WorkQueue<T>? Queue { get; }

    /// <summary>The socket of the case that fired, for <see cref="SelectOutcome.Readable"/>; else null.</summary>
    public Socket? Socket { get; }

    /// <summary>The item taken, when <see cref="Outcome"/> is <see cref="SelectOutcome.Item"/>; otherwise the default value.</summary>
    public T? Item { get; }

    /// <summary>
    /// For <see cref="SelectOutcome.Closed"/>, the error given to <see cref="WorkQueue{T}.Close(Exception)"/>
    /// (null after a plain close). For <see cref="SelectOutcome.Readable"/>, the error the socket reported
    /// while select waited (the next receive would fail with it too), or null.
    /// </summary>
    public Exception? Error { get; }

    /// <summary>True when an item was taken (<see cref="Outcome"/> is <see cref="SelectOutcome.Item"/>).</summary>
    public bool HasItem => Outcome == SelectOutcome.Item;

    /// <summary>Gets the item, if one was taken.</summary>
    /// <param name="item">The item, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <see cref="Outcome"/> is <see cref="SelectOutcome.Item"/>.</returns>
    public bool TryGetItem([MaybeNullWhen(false)] out T item)
    {
        item = Item!;
        return HasItem;
    }

    internal static SelectResult<T> TimedOut => new(SelectOutcome.TimedOut, -1, null, null, default, null);

    internal static SelectResult<T> NothingReady => new(SelectOutcome.NothingReady, -1, null, null, default, null);

    internal static SelectResult<T> Taken(int index, WorkQueue<T> queue, T item) => new(SelectOutcome.Item, index, queue, null, item, null);

    internal static SelectResult<T> ClosedQueue(int index, WorkQueue<T> queue, Exception? error) => new(SelectOutcome.Closed, index, queue, null, default, error);

    internal static SelectResult<T> ReadableSocket(int index, Socket socket, Exception? error) => new(SelectOutcome.Readable, index, null, socket, default, error);
}

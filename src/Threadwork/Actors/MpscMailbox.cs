namespace Threadwork.Actors;

/// <summary>
/// An unbounded multi-producer, single-consumer FIFO queue (Dmitry Vyukov's intrusive MPSC queue):
/// a push is one exchange and one store, a pop takes no lock. An empty mailbox is one node, so an idle
/// actor costs a few dozen bytes, not a segment array.
/// </summary>
/// <remarks>
/// Per-producer order holds: each push is linked after the node its exchange returned. Between a
/// producer's exchange and its link store <see cref="TryPop"/> sees the queue end early, but
/// <see cref="IsDrained"/> already sees the push (the head moved at the exchange), so a consumer that
/// checks it before giving up the queue never strands a message.
/// </remarks>
/// <typeparam name="T">The message type.</typeparam>
internal sealed class MpscMailbox<T>
{
    /// <summary>The last node pushed; producers swap themselves in here.</summary>
    private Node _head;

    /// <summary>The consumer's stub: its successor is the next message. Touched by the consumer only.</summary>
    private Node _tail;

    public MpscMailbox()
    {
        _head = _tail = new Node(default!);
    }

    /// <summary>Whether no message is linked after the consumer's stub (a push in progress may not show yet).</summary>
    public bool IsEmpty => Volatile.Read(ref _tail.Next) is null;

    /// <summary>
    /// Whether no push has even begun since the last pop: unlike <see cref="IsEmpty"/>, a push whose
    /// exchange is done but whose link is not yet visible counts. Consumer only.
    /// </summary>
    public bool IsDrained => Volatile.Read(ref _head) == _tail;

    /// <summary>Adds a message; safe from any number of threads.</summary>
    public void Push(T message)
    {
        var node = new Node(message);
        var previous = Interlocked.Exchange(ref _head, node);
        Volatile.Write(ref previous.Next, node);
    }

    /// <summary>Takes the oldest message; the caller must be the only consumer at this moment.</summary>
    public bool TryPop(out T message)
    {
        var tail = _tail;
        var next = Volatile.Read(ref tail.Next);
        if (next is null)
        {
            message = default!;
            return false;
        }

        message = next.Value;
        next.Value = default!;
        _tail = next;

        // Unlink the dead stub (its producer wrote its link long ago, and no one else writes it): a stub
        // that lived through a GC would otherwise keep every later node alive, and promoted, in turn.
        tail.Next = null;
        return true;
    }

    private sealed class Node(T value)
    {
        public T Value = value;
        public Node? Next;
    }
}

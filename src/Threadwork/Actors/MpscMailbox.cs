namespace Threadwork.Actors;

/// <summary>
/// An unbounded multi-producer, single-consumer FIFO queue (Dmitry Vyukov's intrusive MPSC queue):
/// a push is one exchange and one store, a pop takes no lock. An empty mailbox is one node, so an idle
/// actor costs a few dozen bytes, not a segment array.
/// </summary>
/// <remarks>
/// Per-producer order holds: each push is linked after the node its exchange returned. Between a
/// producer's exchange and its link store the consumer sees the queue end early; the producer then
/// schedules the actor (after the link), so the message is never stranded.
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
        var next = Volatile.Read(ref _tail.Next);
        if (next is null)
        {
            message = default!;
            return false;
        }

        message = next.Value;
        next.Value = default!;
        _tail = next;
        return true;
    }

    private sealed class Node(T value)
    {
        public T Value = value;
        public Node? Next;
    }
}

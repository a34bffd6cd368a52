namespace Threadwork.Coroutines;

/// <summary>
/// The scheduler's ready coroutines, in the order they became ready, taken a round at a time: the round
/// is every coroutine ready when it starts, and those made ready while it runs (a plain yield among them)
/// wait for the next round, in the order they were added. For the scheduler's one thread.
/// </summary>
/// <remarks>
/// <para>Every plain yield passes through here, so this is the scheduler's hot path. A round is handed
/// out as an array that nothing adds to while it runs (additions go to the next round's array), so the
/// scheduler walks it with a local index instead of a dequeue per switch; then the two arrays swap.</para>
/// <para>Why not <see cref="Queue{T}"/>: storing a reference into a <c>T[]</c> in its shared generic code
/// checks the array's element type on every store (arrays are covariant), and each dequeue and enqueue
/// also updates a version, a count and wraps an index (in a scratch measurement, a bare loop over the same
/// iterators took about 15 ns a switch through a <see cref="Queue{T}"/> and about 6 ns through an array of
/// slots like these). The arrays here hold a struct around the reference, whose store needs no type check.</para>
/// </remarks>
internal sealed class ReadyQueue
{
    /// <summary>The next round, in order: its first <see cref="_nextCount"/> slots.</summary>
    private Slot[] _next = new Slot[16];

    private int _nextCount;

    /// <summary>The array of the round before, emptied, to become the next round's; null while a round is out or after <see cref="Clear"/>.</summary>
    private Slot[]? _spare = new Slot[16];

    /// <summary>Coroutines ready for the next round.</summary>
    public int Count => _nextCount;

    /// <summary>Adds <paramref name="coroutine"/> to the end of the next round.</summary>
    public void Enqueue(Coroutine coroutine)
    {
        var next = _next;
        var count = _nextCount;
        if (count == next.Length)
        {
            next = Grow();
        }

        next[count].Coroutine = coroutine;
        _nextCount = count + 1;
    }

    /// <summary>
    /// Takes every coroutine ready now as a round: the first <paramref name="count"/> slots of the array
    /// returned. Coroutines enqueued from now on go into the round after it. Give the array back with
    /// <see cref="EndRound"/> once the round is over.
    /// </summary>
    public Slot[] TakeRound(out int count)
    {
        var round = _next;
        count = _nextCount;
        _next = _spare ?? new Slot[round.Length];
        _nextCount = 0;
        _spare = null;
        return round;
    }

    /// <summary>Gives back a round's array, dropping its references so no finished coroutine is kept alive.</summary>
    public void EndRound(Slot[] round, int count)
    {
        Array.Clear(round, 0, count);
        _spare = round;
    }

    /// <summary>Empties the next round and drops every reference (a round taken and not ended is simply not reused).</summary>
    public void Clear()
    {
        Array.Clear(_next, 0, _nextCount);
        _nextCount = 0;
    }

    /// <summary>Doubles the next round's array, keeping its coroutines in order.</summary>
    private Slot[] Grow()
    {
        var grown = new Slot[_next.Length * 2];
        Array.Copy(_next, grown, _nextCount);
        _next = grown;
        return grown;
    }

    /// <summary>One place in a round.</summary>
    internal struct Slot
    {
        public Coroutine? Coroutine;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using Threadwork.Queues;

namespace Threadwork.Messaging;

/// <summary>
/// The bounded backlog of one queued subscriber and its drain: senders add and never wait; one
/// thread-pool work item at a time hands the messages to the subscriber, in order.
/// </summary>
/// <remarks>
/// <para>The backlog is a ring with one writer and one reader. Senders add under the exchange's send gate,
/// taken once per send for all of its queued subscribers, so an add is a slot write and a release write
/// of the count, with no atomic operation per message. The drain takes up to <see cref="BatchSize"/>
/// messages at a time under <see cref="_takeGate"/>, which a sender takes only to evict the oldest
/// message of a full backlog or to grow the ring; so in the common case the drain's lock is its own.
/// The sender's count and the drain's count live on cache lines of their own, and the backlog is their
/// difference. <see cref="_draining"/> is written only when the drain starts or runs dry, on a line of its
/// own, so that those writes do not evict what every add reads; the closed flag is on the sender's line.</para>
/// <para>The bound is exact: sends are serialised by the gate, so the backlog never holds more than the
/// capacity (at most 2^30), and every message is either delivered or counted as dropped.</para>
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
internal sealed class QueuedBacklog<T> : IThreadPoolWorkItem
{
    /// <summary>Messages the drain takes out of the ring at once, under its lock, before it delivers them.</summary>
    private const int BatchSize = 32;

    /// <summary>Messages one drain run delivers before it re-queues itself, so that many busy subscribers share the pool's threads fairly.</summary>
    private const int Quantum = 256;

    /// <summary>
    /// Spins (never sleeping or yielding) that a drain that ran dry waits for another message before it
    /// goes idle: a sender that keeps sending would otherwise queue a new drain, and wake a pool thread
    /// for it, every few messages.
    /// </summary>
    private const int LingerSpins = 10;

    /// <summary>
    /// Spin iterations (<see cref="Thread.SpinWait(int)"/>, 0.28 µs on this machine) that a drain pauses
    /// after a batch shorter than <see cref="BatchSize"/>, before it looks again. A drain that keeps up with
    /// its sender would otherwise take one or two messages per look, and each look pulls the sender's count
    /// line and ring slots to the drain's core, so that the sender's next add (whose send gate is a full
    /// fence) waits for them to come back: measured with one subscriber, 44–56 ns per message without the
    /// pause, 18–25 ns with 5 to 20 spins. It delays a message by at most the pause, and only one that
    /// arrives while the drain is running.
    /// </summary>
    private const int PartialBatchPauseSpins = 10;

    /// <summary>The ring's first length (if the capacity is not smaller); it doubles as the backlog grows.</summary>
    private const int InitialLength = 32;

    /// <summary>The largest ring, and so the largest capacity honoured.</summary>
    private const int LargestLength = 1 << 30;

    /// <summary>Where failures go.</summary>
    private readonly Attachment<T> _owner;

    /// <summary>Hands one message to the subscriber.</summary>
    private readonly Action<T> _receive;

    /// <summary>The exchange's send gate: held by every add, and by <see cref="Close"/>.</summary>
    private readonly SendGate _sendGate;

    /// <summary>Guards the drain's take against a sender's eviction or growth: writes of <see cref="_taken"/>, replacing <see cref="_ring"/>.</summary>
    private readonly Lock _takeGate = new();

    /// <summary>Most messages waiting at once.</summary>
    private readonly int _capacity;

    /// <summary>What an arriving message does to a full backlog.</summary>
    private readonly BacklogOverflow _overflow;

    /// <summary>Completed by the drain once closed and empty.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages taken out of the ring by the running drain; only the drain touches it, and only one drain runs at a time.</summary>
    private readonly T[] _batch;

    /// <summary>
    /// The waiting messages: message n is at n modulo the length, a power of two. Slots from
    /// <see cref="_taken"/> up to <see cref="SenderCounts.Added"/> hold the backlog. Written by the sender
    /// (its slots, past the backlog); read by the drain under <see cref="_takeGate"/>; replaced by a larger
    /// copy by the sender under both gates.
    /// </summary>
    private T[] _ring;

    /// <summary>What the sender counts: added, dropped.</summary>
    private SenderCounts _sent;

    /// <summary>Messages taken by the drain or evicted by a sender: where the backlog starts. Written under <see cref="_takeGate"/>; read by senders without it.</summary>
    private PaddedCount _taken;

    /// <summary>
    /// 1 while a drain is queued or running, else 0; whoever changes it from 0 to 1 queues the drain, so at
    /// most one runs, which keeps the messages in order. After the drain completes it stays 1 for good.
    /// Alone on its cache line: the sender reads it on every send, the drain writes it on start and idle.
    /// </summary>
    private PaddedCount _draining;

    public QueuedBacklog(Attachment<T> owner, Action<T> receive, SendGate sendGate, QueuedDelivery settings)
    {
        _owner = owner;
        _receive = receive;
        _sendGate = sendGate;
        _capacity = Math.Min(settings.Capacity, LargestLength);
        _overflow = settings.Overflow;
        _ring = new T[Math.Min(InitialLength, (int)BitOperations.RoundUpToPowerOf2((uint)_capacity))];
        _batch = new T[Math.Min(BatchSize, _capacity)];
    }

    /// <summary>Messages waiting (not counting the batch the drain is delivering).</summary>
    public int Count
    {
        get
        {
            // The start first: both only grow, so the difference read this way is never negative. It can
            // exceed the capacity by the evictions made between the two reads, never the backlog itself.
            var taken = Volatile.Read(ref _taken.Value);
            return (int)Math.Min(Volatile.Read(ref _sent.Added) - taken, _capacity);
        }
    }

    public long Dropped => Volatile.Read(ref _sent.Dropped);

    public Task Completion => _completion.Task;

    /// <summary>True once <see cref="Close"/> ran (set under the send gate); later adds are refused.</summary>
    private bool IsClosed => Volatile.Read(ref _sent.Closed);

    private bool IsEmpty => Volatile.Read(ref _sent.Added) == Volatile.Read(ref _taken.Value);

    /// <summary>
    /// Adds a message, dropping one if full. Called under the exchange's send gate, so by one sender at a
    /// time; never waits for the subscriber. The caller wakes the drain afterwards (<see cref="WakeIfIdle"/>).
    /// </summary>
    public void Add(T message)
    {
        if (IsClosed)
        {
            return;
        }

        var added = _sent.Added;
        var ring = _ring;
        if (added - _sent.TakenSeen >= Math.Min(_capacity, ring.Length))
        {
            ring = MakeRoom(added);
            if (ring is null)
            {
                return;
            }
        }

        ring[(int)(added & (ring.Length - 1))] = message;

        // Publishes the slot with the count; the fence that pairs with the drain's comes from the caller.
        Volatile.Write(ref _sent.Added, added + 1);
    }

    /// <summary>Queues the drain if none is queued or running. Called after a full fence that follows the add.</summary>
    public void WakeIfIdle()
    {
        if (Volatile.Read(ref _draining.Value) == 0 && Interlocked.Exchange(ref _draining.Value, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Refuses later messages; those already waiting are still delivered, then <see cref="Completion"/> completes.</summary>
    public void Close()
    {
        // Under the send gate, so that an add either finished before (and its message will be delivered)
        // or sees the close (and refuses): no message is delivered after completion.
        _sendGate.Enter();
        Volatile.Write(ref _sent.Closed, true);
        _sendGate.Exit();

        // With no drain queued or running, queue one to complete; a running one sees the close when it runs dry.
        if (Interlocked.Exchange(ref _draining.Value, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The drain: runs on the thread pool while <see cref="_draining"/> is 1; never two at once.</summary>
    public void Execute()
    {
        List<Exception>? unused = null;
        var delivered = 0;
        while (true)
        {
            // Read before looking: if the close was seen, every add made before it is seen by the look.
            var closed = IsClosed;
            var taken = Take();
            if (taken == 0)
            {
                if (closed)
                {
                    // _draining stays 1, so no later wake queues a drain after completion.
                    _completion.TrySetResult();
                    return;
                }

                if (LingerForMore())
                {
                    continue;
                }

                Interlocked.Exchange(ref _draining.Value, 0);

                // An add (or the close) between the empty look and the line above saw the flag still set
                // and queued nothing: take the flag back, unless one of them has already queued a drain.
                if ((IsEmpty && !IsClosed) || Interlocked.Exchange(ref _draining.Value, 1) != 0)
                {
                    return;
                }

                continue;
            }

            var next = 0;
            while (true)
            {
                try
                {
                    ReceiveFrom(taken, ref next);
                    break;
                }
#pragma warning disable CA1031 // A subscriber's failure is reported; it must not end the drain or the process.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _owner.Fail(_batch[next], e, ref unused);
                    _batch[next] = default!;
                    next++;
                }
            }

            delivered += taken;
            if (delivered >= Quantum)
            {
                // Still draining: the flag stays 1, so no add queues a second drain meanwhile.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            if (taken < _batch.Length)
            {
                Thread.SpinWait(PartialBatchPauseSpins);
            }
        }
    }

    /// <summary>Moves up to a batch of messages from the ring to <see cref="_batch"/>; how many.</summary>
    private int Take()
    {
        lock (_takeGate)
        {
            var taken = _taken.Value;
            var waiting = Volatile.Read(ref _sent.Added) - taken;
            if (waiting == 0)
            {
                return 0;
            }

            var count = (int)Math.Min(waiting, _batch.Length);
            var ring = _ring;
            var mask = ring.Length - 1;
            for (var i = 0; i < count; i++)
            {
                var slot = (int)((taken + i) & mask);
                _batch[i] = ring[slot];
                if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                {
                    ring[slot] = default!;
                }
            }

            // Released only now: a sender reuses these slots once it sees the new start.
            Volatile.Write(ref _taken.Value, taken + count);
            return count;
        }
    }

    /// <summary>
    /// The slow path of an add, when the backlog or the ring looked full by the drain's count last seen:
    /// reads the count again; drops by the policy if the backlog is full; grows the ring if it is. Under
    /// the send gate. Returns the ring to write to, or null if the message is dropped.
    /// </summary>
    private T[]? MakeRoom(long added)
    {
        // Read without the take gate, the start may be stale, but only ever too small: the backlog then
        // looks fuller than it is, and eviction and growth look again under the gate.
        var taken = _sent.TakenSeen = Volatile.Read(ref _taken.Value);
        if (added - taken >= _capacity)
        {
            if (_overflow == BacklogOverflow.DropNewest)
            {
                Volatile.Write(ref _sent.Dropped, _sent.Dropped + 1);
                return null;
            }

            taken = _sent.TakenSeen = EvictOldest(added);
        }

        var ring = _ring;
        return added - taken >= ring.Length ? Grow(added) : ring;
    }

    /// <summary>Drops the oldest waiting message of a full backlog; under the send gate. Returns the start of the backlog.</summary>
    private long EvictOldest(long added)
    {
        lock (_takeGate)
        {
            // The drain may have taken messages since the look without the gate: then there is room.
            var taken = _taken.Value;
            if (added - taken >= _capacity)
            {
                var ring = _ring;
                ring[(int)(taken & (ring.Length - 1))] = default!;
                Volatile.Write(ref _taken.Value, ++taken);
                Volatile.Write(ref _sent.Dropped, _sent.Dropped + 1);
            }

            return taken;
        }
    }

    /// <summary>Replaces a full ring by one twice as long, holding the same messages; under the send gate. Returns the ring to write to.</summary>
    private T[] Grow(long added)
    {
        lock (_takeGate)
        {
            var ring = _ring;
            var taken = _taken.Value;
            if (added - taken < ring.Length)
            {
                return ring;
            }

            // Full and below the capacity, so shorter than the capacity: twice the length is at most LargestLength.
            var larger = new T[ring.Length * 2];
            for (var n = taken; n < added; n++)
            {
                larger[(int)(n & (larger.Length - 1))] = ring[(int)(n & (ring.Length - 1))];
            }

            _ring = larger;
            return larger;
        }
    }

    /// <summary>Spins a little for the next message; true if one came.</summary>
    private bool LingerForMore()
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < LingerSpins; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (!IsEmpty || IsClosed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Hands the batch from <paramref name="next"/> on to the subscriber. Kept out of the protected region
    /// of <see cref="Execute"/>, as in <see cref="Exchange{T}"/>'s delivery loop: <paramref name="next"/>
    /// says which message a failure was on, so that the drain resumes after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveFrom(int taken, ref int next)
    {
        for (var i = next; i < taken; i++)
        {
            next = i;
            _receive(_batch[i]);
            _batch[i] = default!;
        }
    }
}

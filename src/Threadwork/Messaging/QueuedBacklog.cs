using System.Diagnostics;

namespace Threadwork.Messaging;

/// <summary>
/// The bounded backlog of one queued subscriber and its drain: senders add under a short lock and
/// never wait; one thread-pool work item at a time hands the messages to the subscriber, in order.
/// </summary>
/// <typeparam name="T">The type of the messages.</typeparam>
internal sealed class QueuedBacklog<T> : IThreadPoolWorkItem
{
    /// <summary>Messages taken from the ring per lock acquisition by the drain.</summary>
    private const int BatchSize = 32;

    /// <summary>Messages one drain run delivers before it re-queues itself, so that many busy subscribers share the pool's threads fairly.</summary>
    private const int Quantum = 256;

    /// <summary>Initial ring length; the ring doubles as needed, up to the capacity.</summary>
    private const int InitialLength = 16;

    /// <summary>Guards every field below it except <see cref="_batch"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>Who receives the messages, and where failures go.</summary>
    private readonly Attachment<T> _owner;

    /// <summary>Most messages waiting at once.</summary>
    private readonly int _capacity;

    /// <summary>What an arriving message does to a full backlog.</summary>
    private readonly BacklogOverflow _overflow;

    /// <summary>Completed when closed and drained.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages taken out of the ring by the running drain; only the drain touches it, and only one drain runs at a time.</summary>
    private readonly T[] _batch;

    /// <summary>The waiting messages, oldest at <see cref="_head"/>, <see cref="_count"/> of them, wrapping round.</summary>
    private T[] _ring;

    /// <summary>Index of the oldest waiting message.</summary>
    private int _head;

    /// <summary>Messages waiting.</summary>
    private int _count;

    /// <summary>Messages dropped by the overflow policy.</summary>
    private long _dropped;

    /// <summary>
    /// True from the add that queued a drain until that drain finds the ring empty: at most one drain is
    /// queued or running, which keeps the messages in order.
    /// </summary>
    private bool _draining;

    /// <summary>Set by <see cref="Close"/>; later adds are refused.</summary>
    private bool _closed;

    public QueuedBacklog(Attachment<T> owner, QueuedDelivery settings)
    {
        _owner = owner;
        _capacity = settings.Capacity;
        _overflow = settings.Overflow;
        _ring = new T[Math.Min(InitialLength, _capacity)];
        _batch = new T[Math.Min(BatchSize, _capacity)];
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    public Task Completion => _completion.Task;

    /// <summary>Adds a message, dropping one if full; queues the drain if none is queued or running. Never waits.</summary>
    public void Add(T message)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (_count == _capacity)
            {
                _dropped++;
                if (_overflow == BacklogOverflow.DropNewest)
                {
                    return;
                }

                _ring[_head] = default!;
                _head = Next(_head);
                _count--;
            }
            else if (_count == _ring.Length)
            {
                Grow();
            }

            var tail = _head + _count;
            _ring[tail < _ring.Length ? tail : tail - _ring.Length] = message;
            _count++;
            if (_draining)
            {
                return;
            }

            _draining = true;
        }

        // Outside the lock: the drain may start on another thread at once, and takes the lock first thing.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Refuses later messages; those already waiting are still delivered, then <see cref="Completion"/> completes.</summary>
    public void Close()
    {
        bool idle;
        lock (_lock)
        {
            _closed = true;
            idle = !_draining;
        }

        // A running drain sees the close when it finds the ring empty, and completes then.
        if (idle)
        {
            _completion.TrySetResult();
        }
    }

    /// <summary>The drain: runs on the thread pool while <see cref="_draining"/> is set; never two at once.</summary>
    public void Execute()
    {
        List<Exception>? unused = null;
        var delivered = 0;
        while (true)
        {
            int taken;
            bool finished;
            lock (_lock)
            {
                taken = Take();
                finished = taken == 0;
                if (finished)
                {
                    _draining = false;
                    finished = _closed;
                }
            }

            if (taken == 0)
            {
                if (finished)
                {
                    _completion.TrySetResult();
                }

                return;
            }

            var i = 0;
            while (i < taken)
            {
                // One protected region around the whole batch: the loop costs nothing extra per message,
                // and after a failure it resumes with the next message.
                try
                {
                    for (; i < taken; i++)
                    {
                        _owner.Receive(_batch[i]);
                        _batch[i] = default!;
                    }
                }
#pragma warning disable CA1031 // A subscriber's failure is reported; it must not end the drain or the process.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _owner.Fail(_batch[i], e, ref unused);
                    _batch[i] = default!;
                    i++;
                }
            }

            Debug.Assert(unused is null, "queued failures are kept on the subscription, never handed back");
            delivered += taken;
            if (delivered >= Quantum)
            {
                // Still draining: the flag stays set, so no add queues a second drain meanwhile.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
        }
    }

    /// <summary>Moves up to a batch of the oldest messages into <see cref="_batch"/>; under the lock.</summary>
    private int Take()
    {
        var taken = Math.Min(_count, _batch.Length);
        for (var i = 0; i < taken; i++)
        {
            _batch[i] = _ring[_head];
            _ring[_head] = default!;
            _head = Next(_head);
        }

        _count -= taken;
        return taken;
    }

    /// <summary>Doubles the ring (up to the capacity), unwrapping it; under the lock, when full.</summary>
    private void Grow()
    {
        var larger = new T[(int)Math.Min((long)_ring.Length * 2, _capacity)];
        var firstPart = _ring.Length - _head;
        Array.Copy(_ring, _head, larger, 0, firstPart);
        Array.Copy(_ring, 0, larger, firstPart, _head);
        _ring = larger;
        _head = 0;
    }

    private int Next(int index) => index + 1 == _ring.Length ? 0 : index + 1;
}

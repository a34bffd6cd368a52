using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Threadwork.Queues;

namespace Threadwork.Messaging;

/// <summary>
/// The bounded backlog of one queued subscriber and its drain: senders add and never wait; one
/// thread-pool work item at a time hands the messages to the subscriber, in order.
/// </summary>
/// <remarks>
/// <para>Senders and the drain share nothing that either writes on every message, so that a sender on one
/// core and the drain on another do not pass cache lines back and forth: the messages go through a
/// lock-free <see cref="ConcurrentQueue{T}"/>; senders count what they add on cache lines of their own,
/// the drain counts what it takes (once per batch) on its own, and the backlog is the difference.
/// <see cref="_draining"/> is written only when the drain starts or runs dry.</para>
/// <para>The bound: with one sender the backlog never exceeds the capacity; senders racing each other
/// may each pass the check before the others' adds show, so with k concurrent senders it can reach
/// capacity + k - 1. Every message is either delivered or counted as dropped, whatever the race.</para>
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
internal sealed class QueuedBacklog<T> : IThreadPoolWorkItem
{
    /// <summary>Messages the drain takes out of the queue before it delivers them and publishes its count.</summary>
    private const int BatchSize = 32;

    /// <summary>Messages one drain run delivers before it re-queues itself, so that many busy subscribers share the pool's threads fairly.</summary>
    private const int Quantum = 256;

    /// <summary>
    /// Spins (never sleeping or yielding) that a drain that ran dry waits for another message before it
    /// goes idle: a sender that keeps sending would otherwise queue a new drain, and wake a pool thread
    /// for it, every few messages.
    /// </summary>
    private const int LingerSpins = 10;

    /// <summary>The waiting messages, oldest first.</summary>
    private readonly ConcurrentQueue<T> _messages = new();

    /// <summary>Who receives the messages, and where failures go.</summary>
    private readonly Attachment<T> _owner;

    /// <summary>Most messages waiting at once.</summary>
    private readonly int _capacity;

    /// <summary>What an arriving message does to a full backlog.</summary>
    private readonly BacklogOverflow _overflow;

    /// <summary>Completed by the drain once closed and empty.</summary>
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Messages taken out of the queue by the running drain; only the drain touches it, and only one drain runs at a time.</summary>
    private readonly T[] _batch;

    /// <summary>What senders count: added, evicted, dropped.</summary>
    private SenderCounts _senders;

    /// <summary>Messages the drain has taken; written only by the drain, once per batch, on a cache line of its own.</summary>
    private PaddedCount _taken;

    /// <summary>
    /// 1 while a drain is queued or running, else 0; whoever changes it from 0 to 1 queues the drain, so at
    /// most one runs, which keeps the messages in order. After the drain completes it stays 1 for good.
    /// </summary>
    private int _draining;

    /// <summary>Set once by <see cref="Close"/>; later adds are refused.</summary>
    private volatile bool _closed;

    public QueuedBacklog(Attachment<T> owner, QueuedDelivery settings)
    {
        _owner = owner;
        _capacity = settings.Capacity;
        _overflow = settings.Overflow;
        _batch = new T[Math.Min(BatchSize, _capacity)];
    }

    /// <summary>Messages waiting (not counting the batch the drain is delivering).</summary>
    public int Count => (int)Math.Max(0, Volatile.Read(ref _senders.Added) - Volatile.Read(ref _senders.Evicted) - Volatile.Read(ref _taken.Value));

    public long Dropped => Volatile.Read(ref _senders.Dropped);

    public Task Completion => _completion.Task;

    /// <summary>Adds a message, dropping one if full; queues the drain if none is queued or running. Never waits for the subscriber.</summary>
    public void Add(T message)
    {
        if (_closed)
        {
            return;
        }

        if (Volatile.Read(ref _senders.Added) - Volatile.Read(ref _senders.Evicted) - Volatile.Read(ref _taken.Value) >= _capacity)
        {
            if (_overflow == BacklogOverflow.DropNewest)
            {
                Interlocked.Increment(ref _senders.Dropped);
                return;
            }

            // If the drain took everything meanwhile, there is room anyway and nothing is dropped.
            if (_messages.TryDequeue(out _))
            {
                Interlocked.Increment(ref _senders.Evicted);
                Interlocked.Increment(ref _senders.Dropped);
            }
        }

        _messages.Enqueue(message);

        // Also a full fence between publishing the message and reading the flag, matching the drain's
        // between clearing the flag and looking at the queue: one of the two always sees the other.
        Interlocked.Increment(ref _senders.Added);
        if (Volatile.Read(ref _draining) == 0 && Interlocked.Exchange(ref _draining, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Refuses later messages; those already waiting are still delivered, then <see cref="Completion"/> completes.</summary>
    public void Close()
    {
        _closed = true;

        // With no drain queued or running, queue one to complete; a running one sees the close when it runs dry.
        if (Interlocked.Exchange(ref _draining, 1) == 0)
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
            var taken = 0;
            while (taken < _batch.Length && _messages.TryDequeue(out var message))
            {
                _batch[taken++] = message;
            }

            if (taken == 0)
            {
                if (_closed)
                {
                    // _draining stays 1, so a send that passed the closed check just before the close
                    // queues no drain: its message is refused, never delivered after completion.
                    _completion.TrySetResult();
                    return;
                }

                if (LingerForMore())
                {
                    continue;
                }

                Interlocked.Exchange(ref _draining, 0);

                // An add (or the close) between the empty queue and the line above saw the flag still set
                // and queued nothing: take the flag back, unless one of them has already queued a drain.
                if ((_messages.IsEmpty && !_closed) || Interlocked.Exchange(ref _draining, 1) != 0)
                {
                    return;
                }

                continue;
            }

            Volatile.Write(ref _taken.Value, _taken.Value + taken);
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
        }
    }

    /// <summary>Spins a little for the next message; true if one came.</summary>
    private bool LingerForMore()
    {
        var spinner = default(SpinWait);
        for (var i = 0; i < LingerSpins; i++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
            if (!_messages.IsEmpty || _closed)
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
            _owner.Receive(_batch[i]);
            _batch[i] = default!;
        }
    }
}

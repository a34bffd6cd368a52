using NATS.Client.JetStream;

namespace Threadwork.Nats;

/// <summary>
/// One item taken from a <see cref="NatsWorkQueue{T}"/>. It stays the taker's until
/// <see cref="TaskDoneAsync"/> (the item is then gone from the queue), <see cref="ReleaseAsync"/> (it is
/// given to a consumer again at once), or the queue's ack wait running out (the server gives it to
/// another consumer: at least once).
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
public sealed class NatsWorkItem<T>
{
    /// <summary>The message, kept to acknowledge it.</summary>
    private readonly INatsJSMsg<T> _message;

    /// <summary>The queue's name, for messages.</summary>
    private readonly string _queue;

    /// <summary>Set by the first of TaskDone and Release; a second is an error.</summary>
    private int _settled;

    internal NatsWorkItem(INatsJSMsg<T> message, string queue)
    {
        _message = message;
        _queue = queue;
        Value = message.Data!;
        var metadata = message.Metadata;
        Sequence = metadata?.Sequence.Stream ?? 0;
        DeliveryCount = metadata is { } m ? (long)m.NumDelivered : 1;
    }

    /// <summary>The item.</summary>
    public T Value { get; }

    /// <summary>The item's position in the stream, the same on every delivery of it.</summary>
    public ulong Sequence { get; }

    /// <summary>How many times the server has handed out this item, this time included; more than 1 means an earlier taker did not finish it.</summary>
    public long DeliveryCount { get; }

    /// <summary>True if an earlier taker had this item and did not finish it.</summary>
    public bool IsRedelivery => DeliveryCount > 1;

    /// <summary>Marks the item handled: the server removes it from the queue. Returns once the server has confirmed it, so a <see cref="NatsWorkQueue{T}.JoinAsync"/> that follows sees it gone.</summary>
    /// <param name="cancellationToken">Stops waiting for the confirmation.</param>
    /// <returns>A task that completes once the server has confirmed.</returns>
    /// <exception cref="InvalidOperationException">TaskDone or Release was already called for this item.</exception>
    /// <exception cref="NATS.Client.Core.NatsException">The server did not confirm (e.g. the ack wait had run out and the item went to another consumer, or the connection is down).</exception>
    public async Task TaskDoneAsync(CancellationToken cancellationToken = default)
    {
        Settle(nameof(TaskDoneAsync));
        await _message.AckAsync(new AckOpts { DoubleAck = true }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the item back undone: the server hands it to a consumer (maybe this one) again at once.</summary>
    /// <param name="cancellationToken">Stops sending.</param>
    /// <returns>A task that completes once the client has sent it.</returns>
    /// <exception cref="InvalidOperationException">TaskDone or Release was already called for this item.</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        Settle(nameof(ReleaseAsync));
        await _message.NakAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private void Settle(string caller)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0)
        {
            throw new InvalidOperationException($"{caller}: item {Sequence} of the queue '{_queue}' was already marked done or released; each item is settled once.");
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Threadwork.Nats;

/// <summary>
/// A durable work queue shared by processes and machines, kept by the NATS server's JetStream: producers
/// put, consumers get, and <see cref="NatsWorkItem{T}.TaskDoneAsync"/> is the acknowledgement; the item is
/// removed only then. <see cref="JoinAsync"/> waits until nothing put is left unacknowledged.
/// </summary>
/// <remarks>
/// <para>Semantics: at least once. A put returns once the server has stored the item (on disk unless
/// <see cref="NatsWorkQueueOptions.Durable"/> is false). Each item goes to one consumer at a time; a
/// consumer that dies, hangs or is cut off before TaskDone has its items handed to another after
/// <see cref="NatsWorkQueueOptions.AckWait"/>, so an item can be handled twice (once by a taker that did
/// not confirm in time) but is never lost. Make handling idempotent, or check
/// <see cref="NatsWorkItem{T}.IsRedelivery"/>.</para>
/// <para>On the server, the queue <c>jobs</c> is the work-queue stream <c>jobs</c> on subject
/// <c>threadwork.work.jobs</c> with one shared durable pull consumer, <c>workers</c>; every process that
/// opens it by name uses the same stream and consumer. A get takes exactly one item, so a slow consumer
/// never sits on items that another could handle. The server needs JetStream (<c>nats-server -js</c>).</para>
/// <para>Items are written with <see cref="JsonMessageSerializer{T}"/> unless another serializer is given;
/// an item that cannot be read as <typeparamref name="T"/> is taken off the queue (terminated) and its
/// get throws <see cref="InvalidDataException"/>, so that one bad item cannot block the queue.</para>
/// </remarks>
/// <typeparam name="T">The type of the items.</typeparam>
/// <example>
/// <code>
/// await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions());
/// var jobs = await NatsWorkQueue.OpenAsync&lt;string&gt;(link, "jobs");
/// await jobs.PutAsync("resize photo 1");
/// var item = await jobs.GetAsync();          // in any process
/// Handle(item.Value);
/// await item.TaskDoneAsync();                // now it is gone; JoinAsync returns when all are
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A work queue is what it is; the name says so, as WorkQueue<T> does.")]
public sealed class NatsWorkQueue<T>
{
    /// <summary>How long one pull request waits on the server for an item; a get repeats it until an item comes.</summary>
    private static readonly TimeSpan PullExpiry = TimeSpan.FromSeconds(5);

    private readonly NatsJSContext _jetStream;
    private readonly INatsJSConsumer _consumer;
    private readonly INatsSerializer<T> _serializer;
    private readonly string _subject;
    private readonly TimeSpan _joinPollInterval;

    internal NatsWorkQueue(string name, NatsJSContext jetStream, INatsJSConsumer consumer, INatsSerializer<T> serializer, string subject, TimeSpan joinPollInterval)
    {
        Name = name;
        _jetStream = jetStream;
        _consumer = consumer;
        _serializer = serializer;
        _subject = subject;
        _joinPollInterval = joinPollInterval;
    }

    /// <summary>The queue's name (the stream's).</summary>
    public string Name { get; }

    /// <summary>Puts an item; returns once the server has stored it.</summary>
    /// <param name="item">The item.</param>
    /// <param name="cancellationToken">Stops waiting for the server's confirmation (the item may still be stored).</param>
    /// <returns>The item's sequence in the stream.</returns>
    /// <exception cref="NatsException">The server did not store it.</exception>
    public async Task<ulong> PutAsync(T item, CancellationToken cancellationToken = default)
    {
        var ack = await _jetStream.PublishAsync(_subject, item, _serializer, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Error is { } error)
        {
            throw new NatsJSApiException(error);
        }

        return ack.Seq;
    }

    /// <summary>Takes the next item, waiting as long as it takes. It is the caller's until TaskDone, Release, or the ack wait runs out.</summary>
    /// <param name="cancellationToken">Stops waiting; an item already on its way to this consumer is given to another after the ack wait.</param>
    /// <returns>The item.</returns>
    /// <exception cref="InvalidDataException">The next item could not be read as <typeparamref name="T"/>; it was taken off the queue.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<NatsWorkItem<T>> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TryGetOnceAsync(PullExpiry, cancellationToken).ConfigureAwait(false) is { } item)
            {
                return item;
            }
        }
    }

    /// <summary>Takes the next item if one comes within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait (at least 1 ms is asked of the server).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The item, or null if none came in time.</returns>
    /// <exception cref="InvalidDataException">The next item could not be read as <typeparamref name="T"/>; it was taken off the queue.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<NatsWorkItem<T>?> TryGetAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }

            // The server refuses pull expiries under 1 ms; a short wait is asked as several short pulls.
            var pull = left < PullExpiry ? left : PullExpiry;
            if (pull < TimeSpan.FromMilliseconds(10))
            {
                pull = TimeSpan.FromMilliseconds(10);
            }

            if (await TryGetOnceAsync(pull, cancellationToken).ConfigureAwait(false) is { } item)
            {
                return item;
            }
        }
    }

    /// <summary>How many items are put and not yet acknowledged (waiting, or taken and not done).</summary>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    /// <returns>The count the server holds now.</returns>
    public async Task<long> CountUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        var stream = await _jetStream.GetStreamAsync(Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return stream.Info.State.Messages;
    }

    /// <summary>Waits until the stream holds nothing unacknowledged: every item put, by any process, has had TaskDone.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the queue is empty and nothing taken is outstanding.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task JoinAsync(CancellationToken cancellationToken = default)
    {
        // The server keeps a work-queue item until it is acknowledged, so an empty stream means all are done.
        while (await CountUnfinishedAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
            await Task.Delay(_joinPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<NatsWorkItem<T>?> TryGetOnceAsync(TimeSpan expiry, CancellationToken cancellationToken)
    {
        var next = await _consumer.NextAsync(_serializer, new NatsJSNextOpts { Expires = expiry }, cancellationToken).ConfigureAwait(false);
        if (next is not { } message)
        {
            return null;
        }

        if (message.Error is { } unreadable)
        {
            await message.AckTerminateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            throw new InvalidDataException($"An item of the queue '{Name}' ({message.Size} bytes) could not be read as {typeof(T).Name}; it was taken off the queue.", unreadable);
        }

        return new NatsWorkItem<T>(message, Name);
    }
}

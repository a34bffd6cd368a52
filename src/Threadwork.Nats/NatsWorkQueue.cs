using System.Diagnostics.CodeAnalysis;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Threadwork.Nats;

/// <summary>Opens <see cref="NatsWorkQueue{T}"/>s by name, and checks names.</summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The factory of NatsWorkQueue<T>, named after it.")]
public static class NatsWorkQueue
{
    /// <summary>The durable consumer every process shares.</summary>
    private const string ConsumerName = "workers";

    /// <summary>Opens a queue, creating its stream and consumer on the server if this is the first process to open it.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="link">The connection; the queue does not dispose it.</param>
    /// <param name="name">Letters, digits, <c>-</c> and <c>_</c>, e.g. <c>jobs</c>.</param>
    /// <param name="options">The stream's and consumer's settings; defaults if null.</param>
    /// <param name="serializer">How items are written and read; a <see cref="JsonMessageSerializer{T}"/> if null.</param>
    /// <param name="cancellationToken">Abandons the opening.</param>
    /// <returns>The queue.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="link"/> or <paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid queue name.</exception>
    /// <exception cref="NatsConnectException">The server has no JetStream, or refused the stream (e.g. another stream already takes its subject).</exception>
    public static async Task<NatsWorkQueue<T>> OpenAsync<T>(NatsLink link, string name, NatsWorkQueueOptions? options = null, INatsSerializer<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        ValidateName(name);
        options ??= new NatsWorkQueueOptions();
        if (options.AckWait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.AckWait, "AckWait must be longer than zero.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.JoinPollInterval, TimeSpan.Zero, nameof(options));
        var subject = $"{options.SubjectPrefix}.{name}";
        var jetStream = new NatsJSContext(link.Connection);
        try
        {
            await jetStream.CreateOrUpdateStreamAsync(
                new StreamConfig(name, [subject])
                {
                    Retention = StreamConfigRetention.Workqueue,
                    Storage = options.Durable ? StreamConfigStorage.File : StreamConfigStorage.Memory,
                    Description = "A Threadwork work queue: items are removed when acknowledged.",
                },
                cancellationToken).ConfigureAwait(false);
            var ackWait = options.AckWait ?? await ExistingAckWaitAsync(jetStream, name, cancellationToken).ConfigureAwait(false) ?? NatsWorkQueueOptions.DefaultAckWait;
            var consumer = await jetStream.CreateOrUpdateConsumerAsync(
                name,
                new ConsumerConfig(ConsumerName)
                {
                    DurableName = ConsumerName,
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    AckWait = ackWait,
                    MaxDeliver = -1,
                },
                cancellationToken).ConfigureAwait(false);
            return new NatsWorkQueue<T>(name, jetStream, consumer, serializer ?? new JsonMessageSerializer<T>(), subject, options.JoinPollInterval);
        }
        catch (NatsNoRespondersException e)
        {
            throw new NatsConnectException(link.Server, isAuthorizationFailure: false, $"The NATS server at {link.Server} has no JetStream, which a work queue needs: start it with -js.", e);
        }
        catch (NatsJSApiException e)
        {
            throw new NatsConnectException(link.Server, isAuthorizationFailure: false, $"The NATS server at {link.Server} refused the work queue '{name}': {e.Error.Description} (code {e.Error.ErrCode}).", e);
        }
    }

    /// <summary>Checks a queue name: letters, digits, <c>-</c> and <c>_</c> (what a JetStream stream name and a subject token both allow).</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty or has another character; the message says which.</exception>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            throw new ArgumentException("A work queue's name is empty.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                throw new ArgumentException($"The work queue name '{name}' has '{c}': use letters, digits, '-' and '_' only.", nameof(name));
            }
        }
    }

    /// <summary>The ack wait of the queue's consumer on the server, or null if it has none yet.</summary>
    private static async Task<TimeSpan?> ExistingAckWaitAsync(NatsJSContext jetStream, string name, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await jetStream.GetConsumerAsync(name, ConsumerName, cancellationToken).ConfigureAwait(false);
            return existing.Info.Config.AckWait;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }
}

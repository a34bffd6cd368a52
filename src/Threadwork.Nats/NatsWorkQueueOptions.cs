namespace Threadwork.Nats;

/// <summary>How a <see cref="NatsWorkQueue{T}"/>'s stream and consumer are set up on the server.</summary>
/// <remarks>
/// The stream and consumer live on the server and are shared: every process that opens a queue by one name
/// should give the same <see cref="Durable"/> and <see cref="SubjectPrefix"/>; an <see cref="AckWait"/>, when
/// given, changes the consumer for all of them.
/// </remarks>
public sealed class NatsWorkQueueOptions
{
    /// <summary>The ack wait of a queue created without one: 30 s.</summary>
    public static readonly TimeSpan DefaultAckWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a consumer may hold an item without <see cref="NatsWorkItem{T}.TaskDoneAsync"/> before the server
    /// gives it to another; a consumer that dies is noticed after this long. Null (the default) keeps what the
    /// queue has on the server, or <see cref="DefaultAckWait"/> for a new queue; a value sets it for every process.
    /// </summary>
    public TimeSpan? AckWait { get; init; }

    /// <summary>True (the default) to keep the items on disk, so that they survive a restart of the server; false for memory only.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>The subject prefix; items of the queue <c>jobs</c> are published on <c>threadwork.work.jobs</c> by default.</summary>
    public string SubjectPrefix { get; init; } = "threadwork.work";

    /// <summary>How often <see cref="NatsWorkQueue{T}.JoinAsync"/> asks the server whether anything is left (default 50 ms): the server does not announce it.</summary>
    public TimeSpan JoinPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}

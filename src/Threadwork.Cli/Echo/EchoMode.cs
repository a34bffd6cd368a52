namespace Threadwork.Cli.Echo;

/// <summary>How <c>threadwork echo serve</c> serves its clients.</summary>
internal enum EchoMode
{
    /// <summary>The recipe: each connection holds one thread of a fixed <see cref="Pools.WorkerPool"/>, with blocking sockets.</summary>
    Pool,

    /// <summary>Asynchronous sockets: a connection holds no thread while it waits, so tens of thousands fit.</summary>
    Async,
}

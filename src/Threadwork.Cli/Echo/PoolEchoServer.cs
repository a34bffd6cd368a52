using System.Net;
using System.Net.Sockets;
using Threadwork.Pools;
using Threadwork.Workers;

namespace Threadwork.Cli.Echo;

/// <summary>
/// Recipe 12.7's server: an accept loop that hands each connection to a fixed <see cref="WorkerPool"/>,
/// whose thread serves it with blocking calls until the client closes. Unlike the recipe, when every
/// worker is busy the log says that new clients wait (once per episode), and a shutdown closes every
/// connection, the queued ones included.
/// </summary>
internal sealed class PoolEchoServer(EchoServerSettings settings, TextWriter output) : EchoServer(settings, output)
{
    /// <summary>
    /// Each pool thread's receive buffer: thread-specific state (recipe 12.6), so a connection
    /// allocates none and a thread never shares its buffer.
    /// </summary>
    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>Connections handed to the pool and not yet finished: running or waiting for a worker.</summary>
    private int _assigned;

    public override async Task RunAsync(CancellationToken stopToken)
    {
        var busy = new WaitEpisode(Log);
        using var pool = new WorkerPool(Settings.Workers, "echo");
        var acceptor = new Worker("echo-accept", ctx => Accept(pool, busy, ctx.StopToken));
        acceptor.Start();
        using (stopToken.UnsafeRegister(_ => acceptor.Stop(), null))
        {
            await acceptor.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        CloseAll();
        await pool.ShutdownAsync(cancelQueued: true, CancellationToken.None).ConfigureAwait(false);
        acceptor.Join();
    }

    private void Accept(WorkerPool pool, WaitEpisode busy, CancellationToken stopToken)
    {
        while (!stopToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                // The asynchronous accept is the one a stop request can cancel; this thread waits for it.
                client = Listener.AcceptAsync(stopToken).AsTask().GetAwaiter().GetResult();
            }
            catch (SocketException e) when (IsTransient(e))
            {
                Log.Line($"Accept failed ({e.Message}); retrying");
                stopToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
                continue;
            }

            var peer = Opened(client);
            TakeSlot(client, stopToken);

            // Counted here, before the job is queued, so the count never misses a client in hand-over
            // from the queue to a thread: it is exactly the clients holding or awaiting a worker.
            if (Interlocked.Increment(ref _assigned) > Settings.Workers)
            {
                busy.Start($"All {Settings.Workers} workers are busy");
            }

            pool.Submit(() => Serve(client, peer, busy), CancellationToken.None);
        }
    }

    private void Serve(Socket client, EndPoint? peer, WaitEpisode busy)
    {
        var buffer = t_buffer ??= new byte[ChunkSize];
        Exception? error = null;
        try
        {
            int received;
            while ((received = client.Receive(buffer)) > 0)
            {
                for (var sent = 0; sent < received;)
                {
                    sent += client.Send(buffer.AsSpan(sent, received - sent));
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = e;
        }
        finally
        {
            Close(client, peer, Ending(error));
            if (Interlocked.Decrement(ref _assigned) < Settings.Workers)
            {
                busy.End("A worker is free");
            }
        }
    }
}

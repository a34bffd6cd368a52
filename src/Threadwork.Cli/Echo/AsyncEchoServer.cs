using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Threadwork.Cli.Echo;

/// <summary>
/// The echo server a user really needs: asynchronous sockets, so a connection waiting for its client
/// holds no thread, and no buffer either (it waits with a zero-byte read and borrows a buffer only
/// once data has arrived). Tens of thousands of connections cost memory in kilobytes each.
/// </summary>
internal sealed class AsyncEchoServer(EchoServerSettings settings, TextWriter output) : EchoServer(settings, output)
{
    /// <summary>The task serving each open connection, so a shutdown can wait for them all.</summary>
    private readonly ConcurrentDictionary<Task, byte> _serving = new();

    public override async Task RunAsync(CancellationToken stopToken)
    {
        try
        {
            while (!stopToken.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await Listener.AcceptAsync(stopToken).ConfigureAwait(false);
                }
                catch (SocketException e) when (IsTransient(e))
                {
                    Log.Line($"Accept failed ({e.Message}); retrying");
                    await Task.Delay(100, stopToken).ConfigureAwait(false);
                    continue;
                }

                var peer = Opened(client);
                await TakeSlotAsync(client, stopToken).ConfigureAwait(false);
                var serving = ServeAsync(client, peer);
                _serving.TryAdd(serving, 0);

                // Removed by its own continuation, so the set holds only connections still open.
                _ = serving.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
                    _serving, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
        }

        CloseAll();
        await Task.WhenAll(_serving.Keys).ConfigureAwait(false);
    }

    private async Task ServeAsync(Socket client, EndPoint? peer)
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                // Wait for data without holding a buffer: an idle connection costs only its socket.
                await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                try
                {
                    var received = await client.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (received == 0)
                    {
                        break;
                    }

                    for (var sent = 0; sent < received;)
                    {
                        sent += await client.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
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
        }
    }
}

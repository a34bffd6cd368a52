using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Threadwork.Cli.Echo;

/// <summary>
/// What both modes of <c>threadwork echo serve</c> share: the listener, the set of open connections
/// (so a shutdown can close every one), the optional connection limit and the log.
/// </summary>
internal abstract class EchoServer : IDisposable
{
    /// <summary>Bytes read at once, as the recipe's <c>recv(65536)</c>.</summary>
    protected const int ChunkSize = 65536;

    /// <summary>Every connection accepted and not yet closed, each with 1 once it holds a connection slot; a shutdown closes what is left.</summary>
    private readonly ConcurrentDictionary<Socket, byte> _open = new();

    /// <summary>Free connection slots when --max-connections is given.</summary>
    private readonly SemaphoreSlim? _slots;

    /// <summary>Connections accepted so far.</summary>
    private long _accepted;

    protected EchoServer(EchoServerSettings settings, TextWriter output)
    {
        Settings = settings;
        Log = new EchoLog(output, settings.Quiet);
        LimitReached = new WaitEpisode(Log);
        _slots = settings.MaxConnections is { } max ? new SemaphoreSlim(max, max) : null;
        Listener = new Socket(settings.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Listener.Bind(settings.Address);
            Listener.Listen(4096);
        }
        catch
        {
            Listener.Dispose();
            _slots?.Dispose();
            throw;
        }
    }

    /// <summary>The address actually bound (with the real port when 0 was asked for).</summary>
    public IPEndPoint BoundAddress => (IPEndPoint)Listener.LocalEndPoint!;

    public long Accepted => Interlocked.Read(ref _accepted);

    protected EchoServerSettings Settings { get; }

    protected EchoLog Log { get; }

    protected Socket Listener { get; }

    /// <summary>On while --max-connections connections are open and the next client waits for one to close.</summary>
    protected WaitEpisode LimitReached { get; }

    /// <summary>Connections open right now.</summary>
    protected int OpenCount => _open.Count;

    /// <summary>Serves until <paramref name="stopToken"/> is cancelled, then closes every connection and returns.</summary>
    public abstract Task RunAsync(CancellationToken stopToken);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Connections a shutdown cancelled before any worker took them are still open here.
            foreach (var client in _open.Keys)
            {
                Close(client, null, Ending(new ObjectDisposedException(nameof(EchoServer))));
            }

            Listener.Dispose();
            _slots?.Dispose();
        }
    }

    /// <summary>
    /// Gives an accepted connection a slot under --max-connections, waiting while every slot is taken.
    /// Waiting after the accept (not before) means the log speaks of a client that really waits; the
    /// accept loop takes no further client meanwhile, so the rest queue in the kernel's backlog.
    /// </summary>
    protected void TakeSlot(Socket client, CancellationToken stopToken)
    {
        if (_slots is null)
        {
            return;
        }

        if (!_slots.Wait(0, stopToken))
        {
            LimitReached.Start($"{Settings.MaxConnections} connections are open (--max-connections)");
            _slots.Wait(stopToken);
            LimitReached.End("A connection closed");
        }

        _open[client] = 1;
    }

    /// <inheritdoc cref="TakeSlot"/>
    protected async ValueTask TakeSlotAsync(Socket client, CancellationToken stopToken)
    {
        if (_slots is null)
        {
            return;
        }

        if (!await _slots.WaitAsync(0, stopToken).ConfigureAwait(false))
        {
            LimitReached.Start($"{Settings.MaxConnections} connections are open (--max-connections)");
            await _slots.WaitAsync(stopToken).ConfigureAwait(false);
            LimitReached.End("A connection closed");
        }

        _open[client] = 1;
    }

    /// <summary>Records a new connection; returns the peer for the log.</summary>
    protected EndPoint? Opened(Socket client)
    {
        client.NoDelay = true;
        _open.TryAdd(client, 0);
        Interlocked.Increment(ref _accepted);
        var peer = client.RemoteEndPoint;
        Log.Connected(peer);
        return peer;
    }

    /// <summary>Closes a connection for good and frees its slot; safe to call once per connection from any thread.</summary>
    protected void Close(Socket client, EndPoint? peer, string how)
    {
        if (!_open.TryRemove(client, out var holdsSlot))
        {
            return;
        }

        client.Dispose();
        Log.Closed(peer, how);
        if (holdsSlot == 1)
        {
            _slots!.Release();
        }
    }

    /// <summary>Stops listening and ends every open connection, so the threads or tasks serving them return.</summary>
    protected void CloseAll()
    {
        Listener.Dispose();
        foreach (var client in _open.Keys)
        {
            // Shutdown wakes a thread blocked in Receive on this socket; the serving code then closes it.
            try
            {
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>How a connection ended, in the recipe's words where it has them.</summary>
    protected static string Ending(Exception? error) => error switch
    {
        null => "closed connection",
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => "reset the connection",
        SocketException e => $"connection failed: {e.Message}",
        ObjectDisposedException or OperationCanceledException => "closed by the server (shutting down)",
        _ => $"connection failed: {error.Message}",
    };

    /// <summary>True for an accept failure that passes (out of file descriptors, an aborted handshake), after which the server goes on.</summary>
    protected static bool IsTransient(SocketException error) => error.SocketErrorCode is
        SocketError.TooManyOpenSockets or SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.NoBufferSpaceAvailable;
}

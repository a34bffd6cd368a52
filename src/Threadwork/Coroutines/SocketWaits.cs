using System.Net.Sockets;

namespace Threadwork.Coroutines;

/// <summary>
/// The coroutines of one scheduler suspended on socket readiness, and the one poll that serves them all.
/// </summary>
internal sealed class SocketWaits
{
    /// <summary>Each socket waited on for reading and the one coroutine waiting on it.</summary>
    private readonly Dictionary<Socket, Coroutine> _readers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Each socket waited on for writing and the one coroutine waiting on it.</summary>
    private readonly Dictionary<Socket, Coroutine> _writers = new(ReferenceEqualityComparer.Instance);

    /// <summary>Reused read list for <c>Socket.Select</c>, which leaves in it only the ready sockets.</summary>
    private readonly List<Socket> _readList = [];

    /// <summary>Reused write list for <c>Socket.Select</c>.</summary>
    private readonly List<Socket> _writeList = [];

    public bool IsEmpty => _readers.Count == 0 && _writers.Count == 0;

    /// <summary>Registers <paramref name="coroutine"/> as the waiter for one direction of <paramref name="socket"/>.</summary>
    /// <returns>Null when registered; otherwise the coroutine that already waits on that socket in that direction.</returns>
    public Coroutine? TryAdd(Socket socket, bool forWriting, Coroutine coroutine)
    {
        var waiters = forWriting ? _writers : _readers;
        return waiters.TryAdd(socket, coroutine) ? null : waiters[socket];
    }

    /// <summary>
    /// Polls every waited-on socket (and <paramref name="wake"/>, if given) in one call, for at most
    /// <paramref name="timeoutMicroseconds"/> (-1: until one is ready), and hands the coroutines whose
    /// sockets are ready to <paramref name="ready"/>, readers first.
    /// </summary>
    /// <returns>True when <paramref name="wake"/> was signalled.</returns>
    public bool Poll(int timeoutMicroseconds, Socket? wake, Action<Coroutine> ready)
    {
        _readList.Clear();
        _writeList.Clear();
        _readList.AddRange(_readers.Keys);
        _writeList.AddRange(_writers.Keys);
        if (wake is not null)
        {
            _readList.Add(wake);
        }

        try
        {
            Socket.Select(_readList.Count > 0 ? _readList : null, _writeList.Count > 0 ? _writeList : null, null, timeoutMicroseconds);
        }
        catch (ObjectDisposedException)
        {
            // A coroutine closed a socket another one waits on. Resume the waiters of every closed
            // socket: their next call on it throws inside their own body, where it is reported as their fault.
            ResumeClosed(_readers, ready);
            ResumeClosed(_writers, ready);
            return false;
        }

        var woken = false;
        foreach (var socket in _readList)
        {
            if (ReferenceEquals(socket, wake))
            {
                woken = true;
            }
            else if (_readers.Remove(socket, out var reader))
            {
                ready(reader);
            }
        }

        foreach (var socket in _writeList)
        {
            if (_writers.Remove(socket, out var writer))
            {
                ready(writer);
            }
        }

        return woken;
    }

    /// <summary>Forgets every waiter, for a run that ends early (cancelled); their coroutines are ended by the caller.</summary>
    public void Clear()
    {
        _readers.Clear();
        _writers.Clear();
    }

    private static void ResumeClosed(Dictionary<Socket, Coroutine> waiters, Action<Coroutine> ready)
    {
        foreach (var (socket, coroutine) in waiters.Where(w => w.Key.SafeHandle.IsClosed).ToList())
        {
            waiters.Remove(socket);
            ready(coroutine);
        }
    }
}

using System.Net.Sockets;

namespace Threadwork.Selection;

/// <summary>A socket case: fires when the socket is readable (data, end of stream or an error waiting). It never reads.</summary>
internal sealed class SocketCase<T> : SelectCase<T>
{
    /// <summary>The socket watched.</summary>
    private readonly Socket _socket;

    /// <summary>The readiness wait of the current select, if it is still pending; owned by the selecting thread.</summary>
    private SocketReadiness<T>? _wait;

    public SocketCase(SelectSignal<T> signal, int index, Socket socket)
        : base(signal, index) => _socket = socket;

    public override bool TryReadyNow(out SelectResult<T> result)
    {
        try
        {
            if (_socket.Poll(0, SelectMode.SelectRead))
            {
                result = SelectResult<T>.ReadableSocket(Index, _socket, null);
                return true;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A failed socket is ready in select(2)'s sense: the next receive will not block, it fails.
            result = SelectResult<T>.ReadableSocket(Index, _socket, e);
            return true;
        }

        result = default;
        return false;
    }

    public override CaseRegistration Register(long generation, out SelectResult<T> result)
    {
        var outcome = SocketReadiness<T>.Start(Signal, generation, Index, _socket, out _wait, out result);
        return outcome;
    }

    public override void Finish(bool won)
    {
        var wait = _wait;
        _wait = null;
        wait?.Release(cancel: !won);
    }
}

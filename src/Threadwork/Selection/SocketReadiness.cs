using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;

namespace Threadwork.Selection;

/// <summary>
/// One wait for a socket to become readable, for one select: a zero-byte receive, which completes when
/// data or the end of the stream is there and consumes nothing. A new one per wait, because a withdrawn
/// wait settles later, on an I/O thread, while the next select may already be waiting.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "Its cancellation source is disposed by whichever of its two holders lets go last (see _holders).")]
internal sealed class SocketReadiness<T>
{
    /// <summary>The select to claim.</summary>
    private readonly SelectSignal<T> _signal;

    /// <summary>The arming of the select this wait belongs to; a claim for any other arming fails.</summary>
    private readonly long _generation;

    /// <summary>The case index reported.</summary>
    private readonly int _index;

    /// <summary>The socket waited on.</summary>
    private readonly Socket _socket;

    /// <summary>Cancels the receive when the select is won elsewhere.</summary>
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The zero-byte receive; its result is read once, by <see cref="OnCompleted"/>.</summary>
    private ValueTask<int> _pending;

    /// <summary>
    /// Two holders: the selecting thread (until <see cref="Release"/>) and the receive (until it
    /// completes). The last to let go disposes <see cref="_cancel"/>, so a cancel never meets a
    /// disposed source.
    /// </summary>
    private int _holders = 2;

    private SocketReadiness(SelectSignal<T> signal, long generation, int index, Socket socket)
    {
        _signal = signal;
        _generation = generation;
        _index = index;
        _socket = socket;
    }

    /// <summary>Starts waiting; completes the case at once if the socket is readable already.</summary>
    [SuppressMessage("Reliability", "CA2012:Use ValueTasks correctly",
        Justification = "Stored once and consumed exactly once, by TakeOutcome, when it completes.")]
    public static CaseRegistration Start(SelectSignal<T> signal, long generation, int index, Socket socket, out SocketReadiness<T>? wait, out SelectResult<T> result)
    {
        wait = null;
        var readiness = new SocketReadiness<T>(signal, generation, index, socket);
        Exception? error = null;
        try
        {
            readiness._pending = socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, readiness._cancel.Token);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = e;
        }

        if (error is null && !readiness._pending.IsCompleted)
        {
            wait = readiness;
            readiness._pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(readiness.OnCompleted);
            result = default;
            return CaseRegistration.Registered;
        }

        error ??= readiness.TakeOutcome();
        readiness._cancel.Dispose();
        if (signal.TryClaim(generation))
        {
            result = SelectResult<T>.ReadableSocket(index, socket, error);
            return CaseRegistration.Completed;
        }

        result = default;
        return CaseRegistration.AlreadyClaimed;
    }

    /// <summary>The selecting thread lets go: cancels the receive if the select was won elsewhere.</summary>
    public void Release(bool cancel)
    {
        if (cancel)
        {
            // Safe: this thread still holds the source, so it is not disposed yet. The receive settles
            // later with a cancellation, its claim fails, and no byte was read.
            _cancel.Cancel();
        }

        LetGo();
    }

    private void OnCompleted()
    {
        var error = TakeOutcome();
        if (error is not OperationCanceledException && _signal.TryClaim(_generation))
        {
            _signal.Complete(SelectResult<T>.ReadableSocket(_index, _socket, error));
        }

        LetGo();
    }

    /// <summary>Reads the receive's outcome, once: null when readable, else the error it failed with.</summary>
    private Exception? TakeOutcome()
    {
        try
        {
            _pending.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return e;
        }
        finally
        {
            _pending = default;
        }
    }

    private void LetGo()
    {
        if (Interlocked.Decrement(ref _holders) == 0)
        {
            _cancel.Dispose();
        }
    }
}

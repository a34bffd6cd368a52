using System.Net.Sockets;

namespace Threadwork.Workers;

/// <summary>
/// Blocking socket calls that a stop request interrupts at once: recipe 12.1's <c>IOTask</c> without
/// its <c>settimeout(5)</c> polling loop.
/// </summary>
public static class CancellableSocketExtensions
{
    /// <summary>
    /// Blocks until data arrives, the peer closes, or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="socket">A connected socket.</param>
    /// <param name="buffer">Where the received bytes go.</param>
    /// <param name="cancellationToken">Typically <see cref="WorkerContext.StopToken"/>.</param>
    /// <returns>The number of bytes received; 0 when the peer closed the connection.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    /// <exception cref="SocketException">The socket failed.</exception>
    /// <example>
    /// <code>
    /// var worker = new Worker("reader", ctx =>
    /// {
    ///     var n = socket.Receive(buffer, ctx.StopToken);   // Stop() ends the wait at once
    /// });
    /// </code>
    /// </example>
    public static int Receive(this Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);

        // The asynchronous receive is the one the runtime can cancel; waiting on it from a
        // dedicated thread is safe because its completion runs on the I/O threads, not this one.
        var pending = socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return pending.IsCompleted ? pending.GetAwaiter().GetResult() : pending.AsTask().GetAwaiter().GetResult();
    }
}

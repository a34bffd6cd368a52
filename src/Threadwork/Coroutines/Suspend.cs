using System.Globalization;
using System.Net.Sockets;

namespace Threadwork.Coroutines;

/// <summary>
/// What a coroutine waits for when it yields: a coroutine is an iterator of <see cref="Suspend"/> values,
/// and each <c>yield return</c> hands the scheduler the condition under which it resumes.
/// </summary>
/// <remarks>
/// <c>yield return default;</c> is the same as <c>yield return Suspend.Yield;</c>: the recipe's bare
/// <c>yield</c>, which lets every other ready coroutine run once before this one goes on.
/// </remarks>
/// <example>
/// <code>
/// IEnumerable&lt;Suspend&gt; Countdown(int n)
/// {
///     for (; n > 0; n--)
///     {
///         Console.WriteLine($"T-minus {n}");
///         yield return Suspend.For(TimeSpan.FromSeconds(1));   // other coroutines run meanwhile
///     }
///     Console.WriteLine("Blastoff!");
/// }
/// </code>
/// </example>
public readonly struct Suspend : IEquatable<Suspend>
{
    private Suspend(SuspendKind kind, long ticks, object? target)
    {
        Kind = kind;
        Ticks = ticks;
        Target = target;
    }

    /// <summary>Resume after every other ready coroutine has run once (round-robin): the recipe's bare <c>yield</c>.</summary>
    public static Suspend Yield => default;

    /// <summary>
    /// Resume when this coroutine's own mailbox holds at least one message (at once if it already does);
    /// then take the messages with <see cref="Coroutine.TryTakeMessage(out object?)"/>.
    /// </summary>
    public static Suspend UntilMessage => new(SuspendKind.Message, 0, null);

    /// <summary>What this value waits for.</summary>
    internal SuspendKind Kind { get; }

    /// <summary>For <see cref="SuspendKind.Sleep"/>: the duration in <see cref="TimeSpan"/> ticks.</summary>
    internal long Ticks { get; }

    /// <summary>The socket or the coroutine waited for; null for the other kinds.</summary>
    internal object? Target { get; }

    /// <summary>Resume once <paramref name="duration"/> has passed; others run meanwhile. Zero is a plain yield.</summary>
    /// <param name="duration">How long to sleep; zero or more.</param>
    /// <returns>The value to <c>yield return</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static Suspend For(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return duration == TimeSpan.Zero ? default : new Suspend(SuspendKind.Sleep, duration.Ticks, null);
    }

    /// <summary>
    /// Resume when <paramref name="socket"/> can be read without blocking: data has arrived, a connection
    /// waits to be accepted, or the peer closed (a receive then returns 0). All socket waits of a scheduler
    /// go into one poll.
    /// </summary>
    /// <param name="socket">The socket; only one coroutine at a time may wait to read it.</param>
    /// <returns>The value to <c>yield return</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    public static Suspend UntilReadable(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new Suspend(SuspendKind.Readable, 0, socket);
    }

    /// <summary>Resume when <paramref name="socket"/> can be written without blocking (a connect has finished, or send buffer space is free).</summary>
    /// <param name="socket">The socket; only one coroutine at a time may wait to write it.</param>
    /// <returns>The value to <c>yield return</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    public static Suspend UntilWritable(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new Suspend(SuspendKind.Writable, 0, socket);
    }

    /// <summary>
    /// Resume when <paramref name="other"/> has finished, whichever way (see <see cref="Coroutine.State"/>);
    /// at once if it already has.
    /// </summary>
    /// <param name="other">A coroutine of the same scheduler.</param>
    /// <returns>The value to <c>yield return</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public static Suspend UntilCompleted(Coroutine other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Suspend(SuspendKind.Completion, 0, other);
    }

    /// <summary>True when both wait for the same thing.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(Suspend left, Suspend right) => left.Equals(right);

    /// <summary>True when they wait for different things.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(Suspend left, Suspend right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(Suspend other) => Kind == other.Kind && Ticks == other.Ticks && ReferenceEquals(Target, other.Target);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Suspend other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Ticks, Target);

    /// <summary>What it waits for, e.g. "sleep 00:00:01" or "readable 127.0.0.1:16000".</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => Kind switch
    {
        SuspendKind.Yield => "yield",
        SuspendKind.Sleep => string.Create(CultureInfo.InvariantCulture, $"sleep {TimeSpan.FromTicks(Ticks)}"),
        SuspendKind.Readable => $"readable {Describe((Socket)Target!)}",
        SuspendKind.Writable => $"writable {Describe((Socket)Target!)}",
        SuspendKind.Message => "message",
        _ => $"completion of '{((Coroutine)Target!).Name}'",
    };

    private static string Describe(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint?.ToString() ?? "unbound socket";
        }
        catch (ObjectDisposedException)
        {
            return "closed socket";
        }
    }
}

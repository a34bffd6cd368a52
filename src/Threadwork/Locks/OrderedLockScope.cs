using System.Runtime.CompilerServices;

namespace Threadwork.Locks;

/// <summary>
/// The locks taken by one <see cref="OrderedLock.Acquire()"/> or <see cref="OrderedLock.AcquireAll(ReadOnlySpan{OrderedLock})"/>;
/// <see cref="Dispose"/> releases them in the reverse of the order they were taken.
/// </summary>
/// <remarks>
/// A <c>ref struct</c>, so a scope cannot be held across an <c>await</c> (the lock belongs to a thread, and
/// code after an await may run on another). Dispose it exactly once, on the thread that took it, normally
/// with <c>using</c>. Disposing the default value does nothing.
/// </remarks>
public ref struct OrderedLockScope
{
    /// <summary>The taking thread's held locks, so that release needs no thread-static lookup; null for an empty scope.</summary>
    private HeldLocks? _held;

    /// <summary>The lowest-ranked lock of a scope of one or two.</summary>
    private OrderedLock? _first;

    /// <summary>The higher-ranked lock of a scope of two.</summary>
    private OrderedLock? _second;

    /// <summary>All the locks, lowest rank first, for a scope of three or more.</summary>
    private OrderedLock[]? _many;

    internal OrderedLockScope(HeldLocks held, OrderedLock first, OrderedLock? second)
    {
        _held = held;
        _first = first;
        _second = second;
    }

    internal OrderedLockScope(HeldLocks held, OrderedLock[] many)
    {
        _held = held;
        _many = many;
    }

    /// <summary>Releases the scope's locks, highest rank first. A second call does nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dispose()
    {
        var held = _held;
        if (held is null)
        {
            return;
        }

        _held = null;
        if (_many is { } many)
        {
            ReleaseMany(held, many);
        }
        else if (_second is { } second)
        {
            OrderedLock.ReleasePair(held, _first!, second);
        }
        else
        {
            _first!.Release(held);
        }
    }

    private static void ReleaseMany(HeldLocks held, OrderedLock[] many)
    {
        for (var i = many.Length - 1; i >= 0; i--)
        {
            many[i].Release(held);
        }
    }
}

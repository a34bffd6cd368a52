using System.Runtime.CompilerServices;

namespace Threadwork.Locks;

/// <summary>
/// The <see cref="OrderedLock"/>s one thread holds, in the order it took them. Only its own thread reads
/// or writes it, so it needs no synchronisation.
/// </summary>
internal sealed class HeldLocks
{
    /// <summary>This thread's held locks; created on first use.</summary>
    [ThreadStatic]
    private static HeldLocks? t_current;

    /// <summary>The held locks, oldest first; only the first <see cref="Count"/> entries are meaningful.</summary>
    private OrderedLock[] _items = new OrderedLock[4];

    private HeldLocks()
    {
        Thread = Thread.CurrentThread;
    }

    /// <summary>The calling thread's held locks.</summary>
    public static HeldLocks Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? CreateForThisThread();
    }

    /// <summary>The thread these locks belong to.</summary>
    public Thread Thread { get; }

    /// <summary>The thread's name as reports show it.</summary>
    public string ThreadName => NameOf(Thread);

    /// <summary>How many locks the thread holds.</summary>
    public int Count { get; private set; }

    /// <summary>The held lock at <paramref name="index"/>, oldest first.</summary>
    public OrderedLock this[int index] => _items[index];

    public static string NameOf(Thread thread) => thread.Name ?? $"thread #{thread.ManagedThreadId}";

    public bool Contains(OrderedLock candidate)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(_items[i], candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The held lock of highest rank, or null when none is held.</summary>
    public OrderedLock? Highest()
    {
        OrderedLock? highest = null;
        for (var i = 0; i < Count; i++)
        {
            if (highest is null || _items[i].Rank > highest.Rank)
            {
                highest = _items[i];
            }
        }

        return highest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(OrderedLock taken)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }

        _items[Count++] = taken;
    }

    /// <summary>Forgets <paramref name="released"/>; scopes normally end last-in first-out, so it is looked for at the top first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Remove(OrderedLock released)
    {
        var top = Count - 1;
        if (top >= 0 && ReferenceEquals(_items[top], released))
        {
            _items[top] = null!;
            Count = top;
            return;
        }

        RemoveBelowTop(released);
    }

    private static HeldLocks CreateForThisThread() => t_current = new HeldLocks();

    private void RemoveBelowTop(OrderedLock released)
    {
        for (var i = Count - 2; i >= 0; i--)
        {
            if (ReferenceEquals(_items[i], released))
            {
                Array.Copy(_items, i + 1, _items, i, Count - i - 1);

                _items[--Count] = null!;
                return;
            }
        }
    }
}

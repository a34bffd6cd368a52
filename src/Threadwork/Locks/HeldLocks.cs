using System.Diagnostics;
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

    /// <summary>
    /// The held locks, oldest first; only the first <see cref="Count"/> entries are meaningful. Slots above them
    /// keep the last lock they held (see <see cref="Store"/>), so a thread keeps reachable at most as many
    /// released locks as it once held at the same time.
    /// </summary>
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
        var count = Count;
        if (count == _items.Length)
        {
            Array.Resize(ref _items, count * 2);
        }

        Store(ref _items[count], taken);
        Count = count + 1;
    }

    /// <summary>Records two locks taken together, <paramref name="first"/> first, by a thread that held none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushPairOnEmpty(OrderedLock first, OrderedLock second)
    {
        Debug.Assert(Count == 0, "Only a thread that holds nothing records a pair this way.");

        // The list never has fewer than four slots.
        var items = _items;
        Store(ref items[0], first);
        Store(ref items[1], second);
        Count = 2;
    }

    /// <summary>Forgets two locks taken together; scopes normally end last-in first-out, so they are looked for at the top first.</summary>
    /// <returns>False if either was not in the list (and then neither is removed).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool RemovePair(OrderedLock first, OrderedLock second)
    {
        var top = Count - 1;
        var items = _items;
        if (top >= 1 && ReferenceEquals(items[top], second) && ReferenceEquals(items[top - 1], first))
        {
            Count = top - 1;
            return true;
        }

        return Contains(first) && Contains(second) && Remove(second) && Remove(first);
    }

    /// <summary>Forgets <paramref name="released"/>; scopes normally end last-in first-out, so it is looked for at the top first.</summary>
    /// <returns>False if it was not in the list.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Remove(OrderedLock released)
    {
        var top = Count - 1;
        if (top >= 0 && ReferenceEquals(_items[top], released))
        {
            Count = top;
            return true;
        }

        return RemoveBelowTop(released);
    }

    /// <summary>
    /// A thread usually takes the same locks again and again, and a slot keeps the last lock it held, so a slot
    /// is written only when it changes: each reference written costs a GC write barrier, a good part of the cost
    /// of an uncontended acquisition.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref OrderedLock slot, OrderedLock taken)
    {
        if (!ReferenceEquals(slot, taken))
        {
            slot = taken;
        }
    }

    private static HeldLocks CreateForThisThread() => t_current = new HeldLocks();

    private bool RemoveBelowTop(OrderedLock released)
    {
        for (var i = Count - 2; i >= 0; i--)
        {
            if (ReferenceEquals(_items[i], released))
            {
                Array.Copy(_items, i + 1, _items, i, Count - i - 1);
                Count--;
                return true;
            }
        }

        return false;
    }
}

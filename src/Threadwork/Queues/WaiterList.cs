using System.Diagnostics;

namespace Threadwork.Queues;

/// <summary>
/// Waiters in arrival order, with removal from the middle for a waiter that gave up. Not
/// thread-safe: the queue calls it under its lock. Allocates only when it grows.
/// </summary>
internal sealed class WaiterList<TWaiter>
    where TWaiter : class
{
    /// <summary>The ring; its length is a power of two.</summary>
    private TWaiter?[] _items = new TWaiter?[4];

    /// <summary>Index of the longest-waiting entry.</summary>
    private int _head;

    /// <summary>Entries stored.</summary>
    private int _count;

    /// <summary>Entries stored, including waiters already claimed elsewhere that no queue has dropped yet.</summary>
    public int Count => _count;

    /// <summary>Adds a waiter at the end.</summary>
    public void Enqueue(TWaiter waiter)
    {
        if (_count == _items.Length)
        {
            var larger = new TWaiter?[_items.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                larger[i] = _items[(_head + i) & (_items.Length - 1)];
            }

            _items = larger;
            _head = 0;
        }

        _items[(_head + _count) & (_items.Length - 1)] = waiter;
        _count++;
    }

    /// <summary>Removes and returns the longest-waiting entry.</summary>
    public bool TryDequeue(out TWaiter? waiter)
    {
        if (_count == 0)
        {
            waiter = null;
            return false;
        }

        waiter = _items[_head];
        _items[_head] = null;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return true;
    }

    /// <summary>Removes <paramref name="waiter"/> if present, keeping the order of the others.</summary>
    /// <returns><see langword="true"/> if it was present.</returns>
    public bool Remove(TWaiter waiter)
    {
        var mask = _items.Length - 1;
        for (var i = 0; i < _count; i++)
        {
            if (!ReferenceEquals(_items[(_head + i) & mask], waiter))
            {
                continue;
            }

            for (var j = i; j < _count - 1; j++)
            {
                _items[(_head + j) & mask] = _items[(_head + j + 1) & mask];
            }

            _count--;
            _items[(_head + _count) & mask] = null;
            Debug.Assert(Array.IndexOf(_items, waiter) < 0, "a waiter registered twice on one list");
            return true;
        }

        return false;
    }
}

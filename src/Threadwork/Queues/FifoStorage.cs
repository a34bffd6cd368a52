using System.Numerics;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Queues;

/// <summary>First in, first out: a ring buffer that doubles when full and ignores priorities.</summary>
internal sealed class FifoStorage<T> : QueueStorage<T>
{
    /// <summary>The ring; its length is a power of two.</summary>
    private T[] _items;

    /// <summary>Index of the oldest item.</summary>
    private int _head;

    /// <summary>Items stored.</summary>
    private int _count;

    /// <summary>Creates an empty storage with room for <paramref name="initialCapacity"/> items before it grows.</summary>
    public FifoStorage(int initialCapacity)
    {
        _items = new T[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(initialCapacity, 4, 1 << 20))];
    }

    public override int Count => _count;

    public override void Add(T item, int priority)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = item;
        _count++;
    }

    public override T Take()
    {
        Debug.Assert(_count > 0, "Take on empty storage");
        var item = _items[_head];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _items[_head] = default!;
        }

        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        return item;
    }

    private void Grow()
    {
        var larger = new T[_items.Length * 2];
        var firstPart = _items.Length - _head;
        Array.Copy(_items, _head, larger, 0, firstPart);
        Array.Copy(_items, 0, larger, firstPart, _head);
        _items = larger;
        _head = 0;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Queues;

/// <summary>
/// Highest priority first, and first in first out among equal priorities: a binary heap ordered by
/// (priority descending, arrival ascending) — the recipe's <c>(-priority, count, item)</c> heap.
/// </summary>
internal sealed class PriorityStorage<T> : QueueStorage<T>
{
    /// <summary>The heap; slots at and beyond <see cref="_count"/> are unused.</summary>
    private Entry[] _heap = new Entry[16];

    /// <summary>Items stored.</summary>
    private int _count;

    /// <summary>Arrival number of the next item; makes equal priorities come out in arrival order.</summary>
    private long _arrivals;

    public override int Count => _count;

    public override void Add(T item, int priority)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var entry = new Entry(item, priority, _arrivals++);
        var index = _count++;
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!entry.ComesBefore(_heap[parent]))
            {
                break;
            }

            _heap[index] = _heap[parent];
            index = parent;
        }

        _heap[index] = entry;
    }

    public override T Take()
    {
        Debug.Assert(_count > 0, "Take on empty storage");
        var item = _heap[0].Item;
        var last = _heap[--_count];
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            _heap[_count] = default;
        }

        if (_count > 0)
        {
            var index = 0;
            while (true)
            {
                var child = (2 * index) + 1;
                if (child >= _count)
                {
                    break;
                }

                if (child + 1 < _count && _heap[child + 1].ComesBefore(_heap[child]))
                {
                    child++;
                }

                if (!_heap[child].ComesBefore(last))
                {
                    break;
                }

                _heap[index] = _heap[child];
                index = child;
            }

            _heap[index] = last;
        }

        return item;
    }

    private readonly record struct Entry(T Item, int Priority, long Arrival)
    {
        public bool ComesBefore(Entry other) =>
            Priority > other.Priority || (Priority == other.Priority && Arrival < other.Arrival);
    }
}

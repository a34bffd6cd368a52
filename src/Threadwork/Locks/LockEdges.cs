namespace Threadwork.Locks;

/// <summary>
/// An immutable snapshot of the orders seen from one lock, stamped with the validator generation it
/// belongs to, so that resetting the validator forgets every lock's edges without visiting the locks.
/// </summary>
internal sealed class LockEdges
{
    public static readonly LockEdges Empty = new(-1, []);

    public LockEdges(int generation, LockEdge[] items)
    {
        Generation = generation;
        Items = items;
    }

    public int Generation { get; }

    public LockEdge[] Items { get; }

    /// <summary>The edges that count in <paramref name="generation"/>: none if they were recorded before a reset.</summary>
    public LockEdge[] In(int generation) => Generation == generation ? Items : [];

    public LockEdges With(int generation, LockEdge edge) => new(generation, [.. In(generation), edge]);
}

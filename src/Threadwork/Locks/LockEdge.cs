namespace Threadwork.Locks;

/// <summary>A lock order seen at least once: some thread took <see cref="To"/> while holding <see cref="From"/>.</summary>
/// <param name="From">The lock that was held.</param>
/// <param name="To">The lock that was taken.</param>
/// <param name="ThreadName">The thread that first took them in this order.</param>
/// <param name="StackTrace">Where that thread was when it first did.</param>
internal sealed record LockEdge(OrderedLock From, OrderedLock To, string ThreadName, string StackTrace)
{
    public string Describe() =>
        $"'{From.Name}' -> '{To.Name}': thread '{ThreadName}' took '{To.Name}' while holding '{From.Name}', first at:{Environment.NewLine}{StackTrace}";
}

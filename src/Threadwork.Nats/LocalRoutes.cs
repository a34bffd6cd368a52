using System.Collections.Concurrent;

namespace Threadwork.Nats;

/// <summary>
/// The in-process deliveries of a link's bridged exchanges, by subject. Echo is off on the link, so a message
/// published here reaches this process's subscribers through this table, once, and never through the server.
/// </summary>
internal sealed class LocalRoutes
{
    /// <summary>Guards changes; lookups take no lock.</summary>
    private readonly Lock _gate = new();

    /// <summary>
    /// The route set of every subject ever given a delivery. A set is never taken out, only emptied, so that a
    /// publisher may keep the one it found and skip the lookup on its next message (one small object per
    /// subject bridged on the link, for the link's life).
    /// </summary>
    private readonly ConcurrentDictionary<string, RouteSet> _bySubject = new(StringComparer.Ordinal);

    /// <summary>The route set of a subject, or null if no delivery was ever added for it.</summary>
    public RouteSet? Find(string subject) => _bySubject.TryGetValue(subject, out var routes) ? routes : null;

    /// <summary>Adds a delivery for a subject.</summary>
    public void Add(string subject, object deliver)
    {
        lock (_gate)
        {
            var routes = _bySubject.GetOrAdd(subject, static _ => new RouteSet());
            routes.Current = [.. routes.Current, deliver];
        }
    }

    /// <summary>Removes one delivery of a subject (by reference); nothing if it is not there.</summary>
    public void Remove(string subject, object deliver)
    {
        lock (_gate)
        {
            if (!_bySubject.TryGetValue(subject, out var routes))
            {
                return;
            }

            var current = routes.Current;
            var index = Array.IndexOf(current, deliver);
            if (index < 0)
            {
                return;
            }

            var next = new object[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            routes.Current = next;
        }
    }
}

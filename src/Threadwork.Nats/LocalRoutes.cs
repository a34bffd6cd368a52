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

    /// <summary>The deliveries (each an <c>Action&lt;T&gt;</c>) by subject. An array is never changed in place: a publish reads a consistent snapshot.</summary>
    private readonly ConcurrentDictionary<string, object[]> _bySubject = new(StringComparer.Ordinal);

    /// <summary>The deliveries of a subject now, or null if it has none.</summary>
    public object[]? Find(string subject) => _bySubject.TryGetValue(subject, out var routes) ? routes : null;

    /// <summary>Adds a delivery for a subject.</summary>
    public void Add(string subject, object deliver)
    {
        lock (_gate)
        {
            _bySubject[subject] = _bySubject.TryGetValue(subject, out var current) ? [.. current, deliver] : [deliver];
        }
    }

    /// <summary>Removes one delivery of a subject (by reference); nothing if it is not there.</summary>
    public void Remove(string subject, object deliver)
    {
        lock (_gate)
        {
            if (!_bySubject.TryGetValue(subject, out var current))
            {
                return;
            }

            var index = Array.IndexOf(current, deliver);
            if (index < 0)
            {
                return;
            }

            if (current.Length == 1)
            {
                _bySubject.TryRemove(subject, out _);
                return;
            }

            var next = new object[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            _bySubject[subject] = next;
        }
    }
}

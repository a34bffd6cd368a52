using Threadwork.Messaging;

namespace Threadwork.Tests.Messaging;

/// <summary>
/// An in-process <see cref="IExchangeTransport{T}"/>: what a broker does, without a network. Every message
/// published on a subject goes to every current subscription of it, the publisher's own included.
/// </summary>
internal sealed class LoopbackTransport<T> : IExchangeTransport<T>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Action<T>>> _subjects = new(StringComparer.Ordinal);

    public int Published { get; private set; }

    public void Publish(string subject, T message)
    {
        Action<T>[] targets;
        lock (_gate)
        {
            Published++;
            targets = _subjects.TryGetValue(subject, out var list) ? [.. list] : [];
        }

        foreach (var deliver in targets)
        {
            deliver(message);
        }
    }

    public IDisposable Subscribe(string subject, Action<T> deliver)
    {
        lock (_gate)
        {
            if (!_subjects.TryGetValue(subject, out var list))
            {
                _subjects[subject] = list = [];
            }

            list.Add(deliver);
        }

        return new Unsubscriber(() =>
        {
            lock (_gate)
            {
                _subjects[subject].Remove(deliver);
            }
        });
    }

    public int Subscriptions(string subject)
    {
        lock (_gate)
        {
            return _subjects.TryGetValue(subject, out var list) ? list.Count : 0;
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

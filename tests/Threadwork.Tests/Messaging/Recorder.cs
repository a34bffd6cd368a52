using System.Collections.Concurrent;
using Threadwork.Messaging;

namespace Threadwork.Tests.Messaging;

/// <summary>A user-type subscriber that keeps what it received, in order, and can run an action on each message.</summary>
internal sealed class Recorder<T>(string name, Action<T>? onSend = null) : ISubscriber<T>
{
    private readonly ConcurrentQueue<T> _received = new();

    public IReadOnlyList<T> Received => [.. _received];

    public int Count => _received.Count;

    public void Send(T message)
    {
        _received.Enqueue(message);
        onSend?.Invoke(message);
    }

    public override string ToString() => name;
}

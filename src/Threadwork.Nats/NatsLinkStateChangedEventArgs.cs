namespace Threadwork.Nats;

/// <summary>What <see cref="NatsLink.StateChanged"/> reports: the new state and what the client said about it.</summary>
/// <param name="state">The state the link is in now.</param>
/// <param name="detail">The client's words, e.g. the server URL connected to, or why an attempt failed.</param>
public sealed class NatsLinkStateChangedEventArgs(NatsLinkState state, string detail) : EventArgs
{
    /// <summary>The state the link is in now.</summary>
    public NatsLinkState State { get; } = state;

    /// <summary>The client's words, e.g. the server URL connected to, or why a reconnection attempt failed.</summary>
    public string Detail { get; } = detail;
}

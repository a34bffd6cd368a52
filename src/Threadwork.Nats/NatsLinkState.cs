namespace Threadwork.Nats;

/// <summary>The state of a <see cref="NatsLink"/>'s connection to its server.</summary>
public enum NatsLinkState
{
    /// <summary>Connected: publishes go out, subscriptions receive.</summary>
    Connected,

    /// <summary>The server went away; the client is trying to reconnect, and resubscribes when it does. Core NATS messages published elsewhere meanwhile are not received (at most once).</summary>
    Reconnecting,

    /// <summary>Disposed, or given up: nothing more will be sent or received.</summary>
    Closed,
}

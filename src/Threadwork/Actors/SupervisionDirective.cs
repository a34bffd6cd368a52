namespace Threadwork.Actors;

/// <summary>What happens to a handler actor whose handler throws.</summary>
public enum SupervisionDirective
{
    /// <summary>The actor stops; its completion faults with the exception and queued messages become dead letters.</summary>
    Stop,

    /// <summary>The actor gets fresh state from its factory and goes on with the next queued message; the mailbox is kept.</summary>
    Restart,

    /// <summary>The actor keeps its state and goes on with the next message; the failing message is not retried.</summary>
    Resume,
}

namespace Threadwork.Actors;

/// <summary>Work that <see cref="TurnHandOff"/> may run on the current pool thread instead of queueing it: a handler actor's turn, or an ask's reply.</summary>
internal interface IHandOffWork : IThreadPoolWorkItem
{
    /// <summary>Whether sends made while it runs may be handed off in turn: true for an actor's turn, false for a reply, whose continuation is the asker's code.</summary>
    bool HandsOffSends { get; }

    /// <summary>Runs the work once, on the thread that took it from the hand-off slot.</summary>
    void RunHandedOff();
}

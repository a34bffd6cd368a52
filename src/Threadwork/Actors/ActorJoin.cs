namespace Threadwork.Actors;

/// <summary>Blocking waits on an actor's completion that re-throw its fault unwrapped.</summary>
internal static class ActorJoin
{
    public static bool Wait(Task completion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A handler joining an actor it has just sent to must not hold that actor's turn back.
        TurnHandOff.Release();
        try
        {
            if (!completion.Wait(timeout, cancellationToken))
            {
                return false;
            }
        }
        catch (AggregateException)
        {
            // Re-thrown below with its original type and stack.
        }

        completion.GetAwaiter().GetResult();
        return true;
    }
}

namespace Threadwork.Actors;

/// <summary>Decides what a handler actor does when its handler throws.</summary>
/// <example>
/// <code>
/// var options = new ActorOptions { Supervision = SupervisionPolicy.Restart(maxRestarts: 3, within: TimeSpan.FromSeconds(10)) };
/// </code>
/// </example>
public sealed class SupervisionPolicy
{
    private SupervisionPolicy(SupervisionDirective directive, int maxRestarts, TimeSpan window)
    {
        Directive = directive;
        MaxRestarts = maxRestarts;
        Window = window;
    }

    /// <summary>Stop at the first failure; the fault is re-thrown by Join and Completion.</summary>
    public static SupervisionPolicy Stop { get; } = new(SupervisionDirective.Stop, 0, TimeSpan.Zero);

    /// <summary>Skip the failing message and keep the state.</summary>
    public static SupervisionPolicy Resume { get; } = new(SupervisionDirective.Resume, 0, TimeSpan.Zero);

    /// <summary>What to do on a failure.</summary>
    public SupervisionDirective Directive { get; }

    /// <summary>For <see cref="SupervisionDirective.Restart"/>: most restarts within <see cref="Window"/>.</summary>
    public int MaxRestarts { get; }

    /// <summary>For <see cref="SupervisionDirective.Restart"/>: the sliding window the restarts are counted in.</summary>
    public TimeSpan Window { get; }

    /// <summary>
    /// Restart with fresh state, at most <paramref name="maxRestarts"/> times within any
    /// <paramref name="within"/>; the failure after that stops the actor with that failure.
    /// </summary>
    /// <param name="maxRestarts">Restarts allowed in the window; zero stops at the first failure.</param>
    /// <param name="within">The window; positive.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRestarts"/> is negative or <paramref name="within"/> is not positive.</exception>
    public static SupervisionPolicy Restart(int maxRestarts, TimeSpan within)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRestarts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(within, TimeSpan.Zero);
        return new(SupervisionDirective.Restart, maxRestarts, within);
    }
}

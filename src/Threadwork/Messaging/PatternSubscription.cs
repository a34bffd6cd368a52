namespace Threadwork.Messaging;

/// <summary>
/// One subscriber attached, through a registry, to every exchange of its message type whose name
/// matches a pattern: those that exist when it subscribes and those created later.
/// </summary>
internal abstract class PatternSubscription : IDisposable
{
    /// <summary>The registry that tells this subscription of new exchanges.</summary>
    private readonly ExchangeRegistry _registry;

    protected PatternSubscription(ExchangeRegistry registry, SubjectPattern pattern)
    {
        _registry = registry;
        Pattern = pattern;
    }

    public SubjectPattern Pattern { get; }

    /// <summary>Attaches to <paramref name="exchange"/> if it carries this subscription's type; called under the registry's gate, once per matching exchange.</summary>
    public abstract void AttachTo(object exchange);

    /// <summary>Detaches from every exchange; called under the registry's gate, once.</summary>
    public abstract void DetachAll();

    public void Dispose() => _registry.Unsubscribe(this);
}

namespace Threadwork.Nats;

/// <summary>The in-process deliveries of one subject (see <see cref="LocalRoutes"/>): the same object for the subject's whole life, its array replaced on each change.</summary>
internal sealed class RouteSet
{
    /// <summary>The deliveries (each an <c>Action&lt;T&gt;</c>); an array is never changed in place, so a publish reads a consistent snapshot.</summary>
    private volatile object[] _current = [];

    /// <summary>The deliveries now; set only under <see cref="LocalRoutes"/>' lock.</summary>
    public object[] Current
    {
        get => _current;
        set => _current = value;
    }
}

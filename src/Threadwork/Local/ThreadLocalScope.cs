namespace Threadwork.Local;

/// <summary>
/// One thread's open scope of a <see cref="ThreadLocalResource{T}"/> or <see cref="LazyConnection"/>:
/// holds the resource opened for it and closes it when disposed.
/// </summary>
/// <remarks>A <see langword="ref struct"/>, so it stays on the thread that entered it. Disposing it twice closes the resource once.</remarks>
/// <typeparam name="T">The resource.</typeparam>
public readonly ref struct ThreadLocalScope<T>
    where T : class, IDisposable
{
    private readonly ThreadLocalResource<T>? _owner;

    internal ThreadLocalScope(ThreadLocalResource<T> owner, T resource)
    {
        _owner = owner;
        Resource = resource;
    }

    /// <summary>The resource opened for this scope (the socket the recipe's <c>with conn as s</c> binds).</summary>
    public T Resource { get; }

    /// <summary>Closes the resource and ends the scope; the enclosing scope's resource, if any, becomes current again.</summary>
    public void Dispose()
    {
        if (Resource is not null)
        {
            _owner?.Leave(Resource);
        }
    }
}

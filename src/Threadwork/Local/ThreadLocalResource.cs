using System.Diagnostics.CodeAnalysis;

namespace Threadwork.Local;

/// <summary>
/// A resource that every thread opens for itself, lazily, when it enters a scope, and that is closed
/// when the thread leaves the scope: recipe 12.6's <c>LazyConnection</c> for any disposable resource.
/// </summary>
/// <remarks>
/// <para>One instance may be shared by any number of threads: each <see cref="Enter"/> opens a new
/// resource with the factory, and only the thread that entered can see it (<see cref="Current"/>).
/// Scopes nest, and each nested scope gets a resource of its own (the recipe's second version, which
/// keeps a list of connections per thread), so a function that opens a scope never closes the
/// resource of the caller's scope.</para>
/// <para>A scope is a <see langword="ref struct"/>: it cannot be stored on the heap or carried across an
/// <see langword="await"/>, so it is always left on the thread that entered it.</para>
/// </remarks>
/// <typeparam name="T">The resource; it is disposed when its scope ends.</typeparam>
/// <example>
/// <code>
/// var files = new ThreadLocalResource&lt;StreamWriter&gt;(() =&gt; new StreamWriter($"log-{Environment.CurrentManagedThreadId}.txt"));
/// using (var scope = files.Enter())
/// {
///     scope.Resource.WriteLine("only this thread writes here");
///     Log("and code deeper down finds the same writer");   // files.Current
/// }   // closed here
/// </code>
/// </example>
public sealed class ThreadLocalResource<T>
    where T : class, IDisposable
{
    /// <summary>
    /// This thread's open scopes of every <see cref="ThreadLocalResource{T}"/> of this <typeparamref name="T"/>,
    /// innermost last. Only ever touched by its own thread, so it needs no lock; it holds references only
    /// while scopes are open.
    /// </summary>
    [ThreadStatic]
    private static List<(ThreadLocalResource<T> Owner, T Resource)>? t_open;

    /// <summary>Opens a new resource; called on the entering thread.</summary>
    private readonly Func<CancellationToken, T> _open;

    /// <summary>Creates a per-thread resource opened by <paramref name="open"/>.</summary>
    /// <param name="open">Opens one resource; called once per scope, on the thread that enters it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="open"/> is null.</exception>
    public ThreadLocalResource(Func<T> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = _ => open();
    }

    /// <summary>Creates a per-thread resource opened by <paramref name="open"/>, which may block and observes the token given to <see cref="Enter"/>.</summary>
    /// <param name="open">Opens one resource; called once per scope, on the thread that enters it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="open"/> is null.</exception>
    public ThreadLocalResource(Func<CancellationToken, T> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        _open = open;
    }

    /// <summary>The resource of this thread's innermost open scope.</summary>
    /// <exception cref="InvalidOperationException">This thread has no open scope of this resource.</exception>
    public T Current => TryGetCurrent(out var resource)
        ? resource
        : throw new InvalidOperationException("This thread has no open scope of this resource: use it inside a 'using (var scope = resource.Enter())' block.");

    /// <summary>How many scopes of this resource the calling thread has open (0 outside any scope).</summary>
    public int OpenOnThisThread
    {
        get
        {
            var count = 0;
            foreach (var (owner, _) in t_open ?? [])
            {
                count += ReferenceEquals(owner, this) ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>Opens a new resource for the calling thread and makes it <see cref="Current"/> until the scope is disposed.</summary>
    /// <param name="cancellationToken">Passed to the factory, for resources whose opening blocks (a connect).</param>
    /// <returns>The scope; dispose it (with <see langword="using"/>) to close the resource.</returns>
    /// <exception cref="InvalidOperationException">The factory returned null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while opening; nothing is left open.</exception>
    public ThreadLocalScope<T> Enter(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var resource = _open(cancellationToken) ?? throw new InvalidOperationException("The resource factory returned null.");
        (t_open ??= []).Add((this, resource));
        return new ThreadLocalScope<T>(this, resource);
    }

    /// <summary>Gets the resource of this thread's innermost open scope, if there is one.</summary>
    /// <param name="resource">The resource, or null outside any scope.</param>
    /// <returns><see langword="true"/> if this thread has an open scope of this resource.</returns>
    public bool TryGetCurrent([NotNullWhen(true)] out T? resource)
    {
        var open = t_open;
        for (var i = (open?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (ReferenceEquals(open![i].Owner, this))
            {
                resource = open[i].Resource;
                return true;
            }
        }

        resource = null;
        return false;
    }

    /// <summary>Ends the scope of <paramref name="resource"/> and disposes it; a second call for the same scope does nothing.</summary>
    internal void Leave(T resource)
    {
        var open = t_open;
        for (var i = (open?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (ReferenceEquals(open![i].Owner, this) && ReferenceEquals(open[i].Resource, resource))
            {
                // Forget it before disposing, so a failing Dispose still ends the scope and is reported once.
                open.RemoveAt(i);
                resource.Dispose();
                return;
            }
        }
    }
}

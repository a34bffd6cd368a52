using Threadwork.Local;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Local;

public sealed class ThreadLocalResourceTests
{
    [Fact]
    public void Nothing_is_opened_until_a_thread_enters_and_leaving_closes_it()
    {
        var opened = 0;
        var resource = new ThreadLocalResource<Probe>(() => new Probe(Interlocked.Increment(ref opened)));
        Assert.Equal(0, opened);
        Probe probe;
        using (var scope = resource.Enter())
        {
            probe = scope.Resource;
            Assert.Equal(1, opened);
            Assert.Same(probe, resource.Current);
            Assert.Equal(1, resource.OpenOnThisThread);
            Assert.False(probe.Disposed);
        }

        Assert.True(probe.Disposed);
        Assert.Equal(0, resource.OpenOnThisThread);
        Assert.False(resource.TryGetCurrent(out _));
    }

    [Fact]
    public void Each_thread_sees_only_the_resource_it_opened()
    {
        const int Threads = 8;
        var resource = new ThreadLocalResource<Probe>(() => new Probe(Environment.CurrentManagedThreadId));
        using var allOpen = new Barrier(Threads);
        var seen = new Probe[Threads];
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            using var scope = resource.Enter();
            allOpen.SignalAndWait(Wait.Bound);   // every thread holds its own scope at the same time
            seen[i] = resource.Current;
            Assert.Same(scope.Resource, seen[i]);
            Assert.Equal(Environment.CurrentManagedThreadId, seen[i].Id);
            allOpen.SignalAndWait(Wait.Bound);
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(Wait.Bound)));

        Assert.Equal(Threads, seen.Distinct().Count());
        Assert.All(seen, p => Assert.True(p.Disposed));
        Assert.False(resource.TryGetCurrent(out _));
    }

    [Fact]
    public void A_nested_scope_gets_its_own_resource_and_the_outer_one_is_current_again_after_it()
    {
        var opened = 0;
        var resource = new ThreadLocalResource<Probe>(() => new Probe(Interlocked.Increment(ref opened)));
        using var outer = resource.Enter();
        Probe inner;
        using (var nested = resource.Enter())
        {
            inner = nested.Resource;
            Assert.NotSame(outer.Resource, inner);
            Assert.Same(inner, resource.Current);
            Assert.Equal(2, resource.OpenOnThisThread);
        }

        Assert.True(inner.Disposed);
        Assert.False(outer.Resource.Disposed);
        Assert.Same(outer.Resource, resource.Current);
        Assert.Equal(1, resource.OpenOnThisThread);
    }

    [Fact]
    public void Two_resources_of_the_same_type_keep_their_scopes_apart()
    {
        var a = new ThreadLocalResource<Probe>(() => new Probe(1));
        var b = new ThreadLocalResource<Probe>(() => new Probe(2));
        using var scopeA = a.Enter();
        using (b.Enter())
        {
            Assert.Equal(1, a.Current.Id);
            Assert.Equal(2, b.Current.Id);
        }

        Assert.Equal(1, a.Current.Id);
        Assert.False(b.TryGetCurrent(out _));
    }

    [Fact]
    public void Current_outside_a_scope_says_how_to_open_one()
    {
        var resource = new ThreadLocalResource<Probe>(() => new Probe(1));
        var error = Assert.Throws<InvalidOperationException>(() => resource.Current);
        Assert.Contains("no open scope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disposing_a_scope_twice_closes_the_resource_once()
    {
        var resource = new ThreadLocalResource<Probe>(() => new Probe(1));
        var scope = resource.Enter();
        scope.Dispose();
        scope.Dispose();
        Assert.Equal(1, scope.Resource.DisposeCount);
    }

    [Fact]
    public void A_failing_factory_leaves_nothing_open_and_its_error_reaches_the_caller()
    {
        var resource = new ThreadLocalResource<Probe>(() => throw new IOException("cannot open"));
        Assert.Equal("cannot open", Assert.Throws<IOException>(() => resource.Enter()).Message);
        Assert.Equal(0, resource.OpenOnThisThread);
    }

    [Fact]
    public void A_failing_dispose_still_ends_the_scope_and_is_reported()
    {
        var resource = new ThreadLocalResource<Probe>(() => new Probe(1, failOnDispose: true));
        var scope = resource.Enter();
        var failed = false;
        try
        {
            scope.Dispose();
        }
        catch (IOException e) when (e.Message == "cannot close")
        {
            failed = true;
        }

        Assert.True(failed);
        Assert.Equal(0, resource.OpenOnThisThread);
        scope.Dispose();
        Assert.Equal(1, scope.Resource.DisposeCount);
    }

    [Fact]
    public void The_token_reaches_the_factory_and_a_cancelled_one_opens_nothing()
    {
        var opened = 0;
        CancellationToken seen = default;
        var resource = new ThreadLocalResource<Probe>(token =>
        {
            seen = token;
            return new Probe(Interlocked.Increment(ref opened));
        });
        using var cancel = new CancellationTokenSource();
        using (resource.Enter(cancel.Token))
        {
            Assert.Equal(cancel.Token, seen);
        }

        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => resource.Enter(cancel.Token));
        Assert.Equal(1, opened);
    }

    [Fact]
    public void A_default_scope_disposes_nothing()
    {
        var scope = default(ThreadLocalScope<Probe>);
        scope.Dispose();
        Assert.Null(scope.Resource);
    }

    internal sealed class Probe(int id, bool failOnDispose = false) : IDisposable
    {
        private int _disposeCount;

        public int Id { get; } = id;

        public int DisposeCount => Volatile.Read(ref _disposeCount);

        public bool Disposed => DisposeCount > 0;

        public void Dispose()
        {
            Interlocked.Increment(ref _disposeCount);
            if (failOnDispose)
            {
                throw new IOException("cannot close");
            }
        }
    }
}

namespace Threadwork.Pools;

/// <summary>The ordered map of both pools: a bounded window of submitted jobs, results yielded in input order.</summary>
internal static class OrderedMap
{
    /// <summary>
    /// Submits up to <paramref name="lookAhead"/> items ahead of the one whose result is yielded next; stopping the
    /// enumeration early, or a failure, cancels the jobs still in flight through the token given to <paramref name="submit"/>.
    /// </summary>
    public static IEnumerable<TResult> Run<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, CancellationToken, Task<TResult>> submit, int lookAhead, CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Task<TResult>>(lookAhead);
        try
        {
            using var source = items.GetEnumerator();
            var more = true;
            while (true)
            {
                while (more && inFlight.Count < lookAhead && (more = source.MoveNext()))
                {
                    inFlight.Enqueue(submit(source.Current, abandon.Token));
                }

                if (!inFlight.TryDequeue(out var next))
                {
                    yield break;
                }

                yield return next.WaitAsync(cancellationToken).GetAwaiter().GetResult();
            }
        }
        finally
        {
            // An abandoned or failed map leaves nothing queued or running behind it.
            abandon.Cancel();
        }
    }
}

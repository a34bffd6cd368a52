using System.Diagnostics.CodeAnalysis;
using Threadwork.Queues;

namespace Threadwork.Selection;

/// <summary>Starts a select over several queues: <c>Select.From(q1, q2, q3).Wait()</c>.</summary>
[SuppressMessage("Naming", "CA1716:Identifiers should not match keywords",
    Justification = "Go's, POSIX's and the recipe's name for the operation; Visual Basic callers can escape it.")]
public static class Select
{
    /// <summary>Creates a selector with one case per queue, in the order given (case 0 is the first queue).</summary>
    /// <param name="queues">The queues; the same queue may appear more than once.</param>
    /// <typeparam name="T">The type of the queues' items.</typeparam>
    /// <returns>A selector, to be reused for every select over these queues by one thread (or async flow) at a time.</returns>
    /// <example>
    /// <code>
    /// var select = Select.From(q1, q2, q3);
    /// while (select.Count > 0)
    /// {
    ///     var result = select.Wait(token);
    ///     if (result.HasItem) Console.WriteLine($"Got: {result.Item}");
    ///     else select.Remove(result.Index);   // closed: stop selecting on it
    /// }
    /// </code>
    /// </example>
    public static Selector<T> From<T>(params ReadOnlySpan<WorkQueue<T>> queues)
    {
        var selector = new Selector<T>();
        foreach (var queue in queues)
        {
            selector.Add(queue);
        }

        return selector;
    }
}

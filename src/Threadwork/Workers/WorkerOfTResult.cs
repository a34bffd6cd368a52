namespace Threadwork.Workers;

/// <summary>
/// A <see cref="Worker"/> whose body computes a value, read with <see cref="Result"/> once it has finished.
/// </summary>
/// <typeparam name="TResult">The type of value the body returns.</typeparam>
/// <example>
/// <code>
/// var sum = new Worker&lt;long&gt;("sum", ctx => Enumerable.Range(1, 100).Sum(i => (long)i));
/// sum.Start();
/// Console.WriteLine(sum.Result);   // 5050: waits for the body, re-throws its fault
/// </code>
/// </example>
public sealed class Worker<TResult> : Worker
{
    /// <summary>The body; run once on the worker's thread.</summary>
    private readonly Func<WorkerContext, TResult> _body;

    /// <summary>The body's return value; written by the worker thread before Completion is set, read after Join.</summary>
    private TResult? _result;

    /// <summary>True once the body returned a value (false if it failed or stopped).</summary>
    private bool _hasResult;

    /// <summary>Creates a worker that will compute a value on its own thread when started.</summary>
    /// <param name="name">The worker's name, also given to its thread.</param>
    /// <param name="body">The code to run; its return value becomes <see cref="Result"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="body"/> is null.</exception>
    public Worker(string name, Func<WorkerContext, TResult> body)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(body);
        _body = body;
    }

    /// <summary>
    /// Waits for the body to finish and returns its value; re-throws the body's exception.
    /// </summary>
    /// <exception cref="InvalidOperationException">The worker was never started.</exception>
    /// <exception cref="OperationCanceledException">The worker was stopped before its body returned a value.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1065:Do not raise exceptions in unexpected locations",
        Justification = "Like Task<TResult>.Result, reading the result waits for the work and surfaces how it ended.")]
    public TResult Result
    {
        get
        {
            Join();
            if (!_hasResult)
            {
                throw new OperationCanceledException($"Worker '{Name}' was stopped before it produced a result.");
            }

            return _result!;
        }
    }

    /// <inheritdoc/>
    private protected override void RunBody(WorkerContext context)
    {
        _result = _body(context);
        _hasResult = true;
    }
}

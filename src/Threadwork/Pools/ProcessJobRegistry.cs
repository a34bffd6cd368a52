using System.Text.Json;

namespace Threadwork.Pools;

/// <summary>
/// The functions a worker process can run, by job name: what a program hands to
/// <see cref="ProcessPoolWorker.RunAsync"/> when it is started as a worker.
/// </summary>
/// <example>
/// <code>
/// var jobs = new ProcessJobRegistry().Register(CountLines, (path, token) =&gt; File.ReadLines(path).Count());
/// if (ProcessPoolWorker.IsWorkerProcess) return await ProcessPoolWorker.RunAsync(jobs);
/// </code>
/// </example>
public sealed class ProcessJobRegistry
{
    /// <summary>Each registered job's function, taking and returning JSON; written only while the worker is set up.</summary>
    private readonly Dictionary<string, Func<ReadOnlyMemory<byte>, CancellationToken, byte[]>> _jobs = new(StringComparer.Ordinal);

    /// <summary>The registered job names, in no particular order.</summary>
    public IReadOnlyCollection<string> Names => _jobs.Keys;

    /// <summary>Registers <paramref name="body"/> as the function of <paramref name="job"/>.</summary>
    /// <typeparam name="TArgument">The job's argument.</typeparam>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="job">The job, as the pool submits it.</param>
    /// <param name="body">The function. Its token is cancelled when the submitter cancels the running job (or the pool shuts down
    /// cancelling work); a function that does not return soon after is killed with its worker.</param>
    /// <returns>This registry, to chain registrations.</returns>
    /// <exception cref="ArgumentException">A job with the same name is already registered.</exception>
    public ProcessJobRegistry Register<TArgument, TResult>(ProcessJob<TArgument, TResult> job, Func<TArgument, CancellationToken, TResult> body)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(body);
        if (_jobs.ContainsKey(job.Name))
        {
            throw new ArgumentException($"A job named '{job.Name}' is already registered.", nameof(job));
        }

        _jobs.Add(job.Name, (argument, token) =>
        {
            var value = JsonSerializer.Deserialize(argument.Span, job.ArgumentTypeInfo);
            return JsonSerializer.SerializeToUtf8Bytes(body(value!, token), job.ResultTypeInfo);
        });
        return this;
    }

    /// <summary>The function registered under <paramref name="name"/>, taking and returning JSON.</summary>
    internal bool TryGet(string name, out Func<ReadOnlyMemory<byte>, CancellationToken, byte[]> run) =>
        _jobs.TryGetValue(name, out run!);
}

namespace Threadwork.Pools;

/// <summary>How a <see cref="ProcessPool"/> starts its workers and treats their jobs.</summary>
/// <remarks>The defaults start the current program again (through the <c>dotnet</c> host when it runs as
/// <c>dotnet app.dll</c>); that program must call <see cref="ProcessPoolWorker.RunAsync"/> first thing when
/// <see cref="ProcessPoolWorker.IsWorkerProcess"/> is true.</remarks>
public sealed class ProcessPoolOptions
{
    /// <summary>How many worker processes; at least 1. Default: one per core.</summary>
    public int WorkerCount { get; init; } = System.Environment.ProcessorCount;

    /// <summary>The pool's name, shown in errors and handed to the workers. Default "process-pool".</summary>
    public string Name { get; init; } = "process-pool";

    /// <summary>The worker executable; null for the current program.</summary>
    public string? FileName { get; init; }

    /// <summary>Its arguments; null for those that start the current program (none, or its entry assembly under the <c>dotnet</c> host).</summary>
    public IReadOnlyList<string>? Arguments { get; init; }

    /// <summary>Extra environment variables for the workers.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>How long one job may run before its worker is killed and the job fails with <see cref="ProcessJobTimeoutException"/>; null (the default) for no limit. A submit can set its own.</summary>
    public TimeSpan? JobTimeout { get; init; }

    /// <summary>How long a running job has to return after it is cancelled (its token fires in the worker) before its worker is killed. Default 2 s.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a new worker has to say it is ready before it is killed. Default 30 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker has to exit once its input is closed (shutdown, recycling) before it is killed. Default 5 s.</summary>
    public TimeSpan ExitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Ends each worker after this many jobs and starts a fresh one (what leaks, leaks for a while only); null (the default) never.</summary>
    public int? RecycleAfterJobs { get; init; }

    /// <summary>
    /// How many times a job whose worker died (not one that threw or timed out) is run again, each time on a
    /// fresh worker, before it fails with <see cref="WorkerProcessDiedException"/>. Default 0: a crash fails
    /// the job at once, since a job that crashes its worker usually crashes the next one too.
    /// </summary>
    public int CrashRetries { get; init; }

    /// <summary>Where the lines the workers write to standard error go; null to drop them. Default: this process's standard error.</summary>
    public TextWriter? WorkerErrorOutput { get; init; } = Console.Error;
}

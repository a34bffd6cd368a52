namespace Threadwork.Daemons;

/// <summary>The outcome of <see cref="PidFile.Probe"/>.</summary>
/// <param name="State">Running, not running, or stale.</param>
/// <param name="ProcessId">The pid written in the file, when it holds one.</param>
public readonly record struct PidFileStatus(PidFileState State, int? ProcessId);

namespace Threadwork.Daemons;

/// <summary>The outcome of <see cref="DaemonControl.StopAsync"/>.</summary>
/// <param name="Outcome">Stopped, killed, still running, or not running.</param>
/// <param name="ProcessId">The daemon's pid, when the pid file named one.</param>
public readonly record struct DaemonStopResult(DaemonStopOutcome Outcome, int? ProcessId);

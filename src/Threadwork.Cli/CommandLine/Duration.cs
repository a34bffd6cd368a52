namespace Threadwork.Cli.CommandLine;

/// <summary>A command-line duration: a TimeSpan that prints the way it is typed ("5s", "50ms"), so help shows defaults readably.</summary>
/// <param name="Value">The length of time.</param>
internal readonly record struct Duration(TimeSpan Value)
{
    public static implicit operator TimeSpan(Duration duration) => duration.Value;

    public TimeSpan ToTimeSpan() => Value;

    public override string ToString() => Durations.Format(Value);
}

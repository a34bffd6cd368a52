using System.CommandLine;

namespace Threadwork.Cli.CommandLine;

/// <summary>
/// Options that check their own values, so that a bad value is reported by name, with the usage,
/// and exit code 2, before any work starts.
/// </summary>
internal static class Options
{
    /// <summary>A whole number that must be at least <paramref name="minimum"/>.</summary>
    public static Option<int> Int(string name, int defaultValue, int minimum, string description)
    {
        return new Option<int>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var token = result.Tokens[0].Value;
                if (!int.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    result.AddError($"{name}: '{token}' is not a whole number.");
                }
                else if (value < minimum)
                {
                    result.AddError($"{name} must be {minimum} or more, but was {value}.");
                }

                return value;
            },
        };
    }

    /// <summary>A duration such as 50ms, 2s or 1m; zero is refused unless <paramref name="allowZero"/>.</summary>
    public static Option<Duration> Duration(string name, TimeSpan defaultValue, string description, bool allowZero = false)
    {
        return new Option<Duration>(name)
        {
            Description = $"{description} (e.g. 50ms, 2s, 1m)",
            HelpName = "duration",
            CustomParser = result => new Duration(ParseDuration(name, result.Tokens[0].Value, allowZero, result.AddError)),
            DefaultValueFactory = _ => new Duration(defaultValue),
        };
    }

    /// <summary>An optional duration: absent means "not asked for".</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description)
    {
        return new Option<TimeSpan?>(name)
        {
            Description = $"{description} (e.g. 50ms, 2s, 1m)",
            HelpName = "duration",
            CustomParser = result => ParseDuration(name, result.Tokens[0].Value, allowZero: false, result.AddError),
        };
    }

    private static TimeSpan ParseDuration(string name, string token, bool allowZero, Action<string> addError)
    {
        if (!Durations.TryParse(token, out var duration, out var why))
        {
            addError($"{name}: '{token}' is not a duration: {why}. Use a number and a unit, e.g. 50ms, 2s, 1m.");
            return default;
        }

        if (duration == TimeSpan.Zero && !allowZero)
        {
            addError($"{name} must be longer than zero, but was '{token}'.");
        }

        return duration;
    }
}

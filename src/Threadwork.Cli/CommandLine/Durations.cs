using System.Globalization;

namespace Threadwork.Cli.CommandLine;

/// <summary>Durations as people type them: 50ms, 2s, 1.5s, 1m, 1h.</summary>
internal static class Durations
{
    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("ms", 1),
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
    ];

    /// <summary>Parses "50ms", "2s", "1m"; on failure says why in <paramref name="error"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration, out string error)
    {
        duration = default;
        var trimmed = text.Trim();
        var digits = trimmed.TakeWhile(c => char.IsAsciiDigit(c) || c is '.' or '-' or '+').Count();
        var number = trimmed[..digits];
        var unit = trimmed[digits..];
        if (number.Length == 0)
        {
            error = "it does not start with a number";
            return false;
        }

        if (unit.Length == 0)
        {
            error = "it has no unit";
            return false;
        }

        var scale = Units.FirstOrDefault(u => string.Equals(u.Unit, unit, StringComparison.OrdinalIgnoreCase)).Milliseconds;
        if (scale == 0)
        {
            error = $"'{unit}' is not a unit (ms, s, m or h)";
            return false;
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{number}' is not a number";
            return false;
        }

        if (value < 0)
        {
            error = "it is negative";
            return false;
        }

        var milliseconds = value * scale;
        if (milliseconds > int.MaxValue)
        {
            error = "it is too long (at most about 24 days)";
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        error = string.Empty;
        return true;
    }

    /// <summary>Formats a duration the way <see cref="TryParse"/> reads it.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1_000 } => $"{duration.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture)}ms",
        { TotalSeconds: < 60 } => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
        { TotalMinutes: < 60 } => $"{duration.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}m",
        _ => $"{duration.TotalHours.ToString("0.###", CultureInfo.InvariantCulture)}h",
    };
}

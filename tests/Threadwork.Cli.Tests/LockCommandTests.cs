using System.Text.RegularExpressions;

namespace Threadwork.Cli.Tests;

public partial class LockCommandTests
{
    [Fact]
    public void Philosophers_quiet_ends_with_every_philosopher_having_eaten_exactly_1000_times()
    {
        var result = ThreadworkProcess.Run("philosophers", "--count", "5", "--meals", "1000", "--quiet");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("eating", result.Stdout, StringComparison.Ordinal);
        var meals = result.Lines.Select(l => TableRow().Match(l)).Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        Assert.Equal(Enumerable.Range(1, 5), meals.Keys.Order());
        Assert.All(meals.Values, eaten => Assert.Equal("1000", eaten));
        Assert.Equal("All 5 philosophers ate 1000 meals each", result.Lines[^1]);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Philosophers_prints_one_eating_line_per_meal()
    {
        var result = ThreadworkProcess.Run("philosophers", "--count", "3", "--meals", "50");
        Assert.True(result.ExitCode == 0, result.ToString());
        var eating = result.Lines.Where(l => l.EndsWith(" eating", StringComparison.Ordinal)).ToArray();
        Assert.Equal(150, eating.Length);
        Assert.All(Enumerable.Range(1, 3), p => Assert.Equal(50, eating.Count(l => l == $"philosopher {p} eating")));
    }

    [Fact]
    public void Deadlock_demo_reports_the_cycle_naming_both_locks_and_both_code_paths_then_completes_ordered()
    {
        var result = ThreadworkProcess.Run("deadlock-demo", "--rounds", "2000");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Potential deadlock: locks are taken in a cycle, 'y_lock' -> 'x_lock' -> 'y_lock'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("thread 'Thread-1' took 'y_lock' while holding 'x_lock'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("thread 'Thread-2' took 'x_lock' while holding 'y_lock'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("TakeXThenY", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("TakeYThenX", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Thread-1: 2,000 rounds of acquire(x_lock, y_lock); Thread-2: 2,000 rounds of acquire(y_lock, x_lock)", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("Both threads finished: the locks were always taken x_lock first, and the validator found nothing.", result.Lines[^1]);
    }

    [Theory]
    [InlineData("philosophers --count 1", "--count must be 2 or more, but was 1")]
    [InlineData("philosophers --meals -1", "--meals must be 0 or more, but was -1")]
    [InlineData("philosophers --meals many", "--meals: 'many' is not a whole number")]
    [InlineData("deadlock-demo --rounds 0", "--rounds must be 1 or more, but was 0")]
    public void Bad_values_exit_2_naming_the_option(string arguments, string message)
    {
        var result = ThreadworkProcess.Run(arguments.Split(' '));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    // A row of the meals table: "│ 3           │  1000 │" (or with ASCII borders).
    [GeneratedRegex(@"^\W*(\d+)\W+(\d+)\W*$")]
    private static partial Regex TableRow();
}

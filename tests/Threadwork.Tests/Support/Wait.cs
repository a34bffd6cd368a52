namespace Threadwork.Tests.Support;

/// <summary>Bounded waits for a condition another thread makes true; a bound, never a timing assertion.</summary>
internal static class Wait
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static void Until(Func<bool> condition, string what)
    {
        Assert.True(SpinWait.SpinUntil(condition, Bound), $"timed out after {Bound.TotalSeconds}s waiting until {what}");
    }
}

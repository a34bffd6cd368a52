using Threadwork.Coroutines;

namespace Threadwork.Cli.Coroutines;

/// <summary>How the tool reports a coroutine that threw: one line on standard error naming it; the others go on.</summary>
internal static class CoroutineFaults
{
    public static void ToStandardError(Coroutine coroutine) =>
        Console.Error.WriteLine($"threadwork: coroutine '{coroutine.Name}' failed: {coroutine.Fault!.GetType().Name}: {coroutine.Fault.Message}");
}

using Threadwork.TestSupport;

namespace Threadwork.Cli.Tests;

/// <summary>The read-only data beside the repository: ../shared/data, found from the repository root (the folder holding Threadwork.slnx).</summary>
internal static class SharedData
{
    public static string Directory { get; } = Find();

    /// <summary>The recipe's 14 Apache logs (273,409 lines).</summary>
    public static string Logs2012 => Path.Combine(Directory, "logs-2012");

    /// <summary>The 378 hosts that fetched /robots.txt in them, sorted, one per line.</summary>
    public static string Logs2012Expected => Path.Combine(Directory, "logs-2012.robots.expected");

    private static string Find()
    {
        var data = Path.GetFullPath(Path.Combine(BuiltTool.RepositoryRoot.FullName, "..", "shared", "data"));
        Assert.True(System.IO.Directory.Exists(data), $"the shared data is not beside the repository at {data}");
        return data;
    }
}

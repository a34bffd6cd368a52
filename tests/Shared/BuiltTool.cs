namespace Threadwork.TestSupport;

/// <summary>
/// Where the test projects that run the real <c>threadwork</c> tool find it and the repository; compiled into
/// each of them as a linked file.
/// </summary>
internal static class BuiltTool
{
    /// <summary>The repository root: the folder holding Threadwork.slnx, above the running tests' output folder.</summary>
    public static DirectoryInfo RepositoryRoot { get; } = FindRoot();

    /// <summary>The tool's entry assembly, built with the same configuration and framework as the running tests.</summary>
    public static string Path { get; } = FindTool();

    private static DirectoryInfo FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Threadwork.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        return root;
    }

    private static string FindTool()
    {
        // tests/<project>/bin/<Configuration>/<framework> -> src/Threadwork.Cli/bin/<Configuration>/<framework>
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var tool = System.IO.Path.Combine(RepositoryRoot.FullName, "src", "Threadwork.Cli", "bin", output.Parent!.Name, output.Name, "Threadwork.Cli.dll");
        Assert.True(File.Exists(tool), $"the threadwork tool is not built at {tool}");
        return tool;
    }
}

using System.Diagnostics;

namespace Threadwork.Cli.Tests;

/// <summary>Runs the built <c>threadwork</c> tool as a real process and captures what a user would see.</summary>
internal static class ThreadworkProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The tool's entry assembly, built beside this test project with the same configuration.</summary>
    public static string ToolPath { get; } = FindTool();

    public static Result Run(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"threadwork {string.Join(' ', args)} did not finish within {Limit.TotalSeconds}s");
        }

        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static string FindTool()
    {
        // tests/Threadwork.Cli.Tests/bin/<Configuration>/net10.0 -> src/Threadwork.Cli/bin/<Configuration>/net10.0
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Threadwork.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var tool = Path.Combine(root.FullName, "src", "Threadwork.Cli", "bin", configuration, framework, "Threadwork.Cli.dll");
        Assert.True(File.Exists(tool), $"the threadwork tool is not built at {tool}");
        return tool;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }
}

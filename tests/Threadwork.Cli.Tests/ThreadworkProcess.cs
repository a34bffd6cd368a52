using System.Diagnostics;
using Threadwork.TestSupport;

namespace Threadwork.Cli.Tests;

/// <summary>Runs the built <c>threadwork</c> tool as a real process and captures what a user would see.</summary>
internal static class ThreadworkProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The tool's entry assembly, built beside this test project with the same configuration.</summary>
    public static string ToolPath => BuiltTool.Path;

    public static Result Run(params string[] args) => RunUnder(launcher: null, args);

    /// <summary>Runs the tool through a launcher that execs its arguments (<c>nohup</c>, say), as a user's shell line would.</summary>
    public static Result RunUnder(string? launcher, params string[] args)
    {
        using var process = StartUnder(launcher, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{launcher} threadwork {string.Join(' ', args)} did not finish within {Limit.TotalSeconds}s".TrimStart());
        }

        return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public static Process Start(params string[] args) => StartUnder(launcher: null, args);

    private static Process StartUnder(string? launcher, string[] args)
    {
        var info = new ProcessStartInfo(launcher ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }
}

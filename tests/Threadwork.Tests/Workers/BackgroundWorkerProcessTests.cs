using System.Diagnostics;
using Threadwork.Tests.Support;

namespace Threadwork.Tests.Workers;

/// <summary>Whether a worker keeps its process alive can only be seen from outside: these run a real child process.</summary>
public class BackgroundWorkerProcessTests
{
    [Fact]
    public void A_background_worker_lets_the_process_exit_while_it_still_runs()
    {
        using var host = StartHost("background-worker");
        Assert.Equal("worker started", host.StandardOutput.ReadLine());
        Assert.Equal("main returned", host.StandardOutput.ReadLine());

        // stdin stays open, so the worker is still blocked reading it when the process ends.
        Assert.True(host.WaitForExit(Wait.Bound), "the process should exit although its background worker is blocked");
        Assert.Equal(0, host.ExitCode);
        Assert.Equal(string.Empty, host.StandardOutput.ReadToEnd());
    }

    [Fact]
    public void A_foreground_worker_keeps_the_process_alive_after_main_returns()
    {
        using var host = StartHost("foreground-worker");
        Assert.Equal("worker started", host.StandardOutput.ReadLine());
        Assert.Equal("main returned", host.StandardOutput.ReadLine());

        // Only this line, written after main returned, lets the worker finish: if the process had
        // exited with main, "worker finished" could never be printed.
        host.StandardInput.WriteLine("go");
        host.StandardInput.Flush();
        Assert.Equal("worker finished", host.StandardOutput.ReadLine());
        Assert.True(host.WaitForExit(Wait.Bound));
        Assert.Equal(0, host.ExitCode);
    }

    private static Process StartHost(string scenario)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "Threadwork.TestHost.dll");
        Assert.True(File.Exists(hostDll), $"test host not built at {hostDll}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(hostDll);
        info.ArgumentList.Add(scenario);
        return Process.Start(info)!;
    }
}

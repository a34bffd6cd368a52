using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Threadwork.Benchmarks.Nats;

/// <summary>A nats-server the benchmark starts itself on a free loopback port (<c>-p -1</c>), core NATS only, killed at cleanup.</summary>
internal sealed partial class LocalNatsServer : IDisposable
{
    private static readonly string[] Places = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];
    private static readonly string[] Arguments = ["-a", "127.0.0.1", "-p", "-1"];

    private readonly Process _process;

    public LocalNatsServer()
    {
        var binary = Places.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server is not installed: apt-get install nats-server (./test.sh does it).");
        var info = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                port.TrySetException(new InvalidOperationException("nats-server exited before it was ready."));
            }
            else if (Listening().Match(e.Data) is { Success: true } match)
            {
                port.TrySetResult(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        Url = $"nats://127.0.0.1:{port.Task.WaitAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult()}";
    }

    public string Url { get; }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }

    [GeneratedRegex(@"Listening for client connections on [^:]+:(\d+)")]
    private static partial Regex Listening();
}

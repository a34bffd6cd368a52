using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Threadwork.Nats.Tests;

/// <summary>
/// A real nats-server on a free loopback port (the server picks it: <c>-p -1</c>), with JetStream in a
/// temporary folder, stopped and its folder deleted at the end. It can be stopped and started again on the
/// same port and store, as a server restart is.
/// </summary>
public sealed partial class NatsServer : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    private readonly string _store = Directory.CreateTempSubdirectory("threadwork-nats-").FullName;
    private readonly string? _token;
    private readonly bool _jetStream;
    private Process? _process;

    public NatsServer()
        : this(token: null, jetStream: true)
    {
    }

    private NatsServer(string? token, bool jetStream)
    {
        _token = token;
        _jetStream = jetStream;
        Port = Start(port: -1);
    }

    /// <summary>The loopback port the server listens on (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>The server's URL.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>A server that accepts only clients that give <paramref name="token"/>.</summary>
    public static NatsServer WithToken(string token) => new(token, jetStream: true);

    /// <summary>A server without JetStream (core NATS only).</summary>
    public static NatsServer WithoutJetStream() => new(token: null, jetStream: false);

    /// <summary>Stops the server (as a SIGKILL would: no goodbye to clients) and waits for it to exit.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit(StartLimit);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and store.</summary>
    public void Restart()
    {
        Stop();
        Start(Port);
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_store, recursive: true);
        }
        catch (IOException)
        {
            // A file still held a moment after the server exited: the temp folder is cleaned by the system.
        }
    }

    private static string FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/usr/bin"))
        {
            var candidate = Path.Combine(dir, "nats-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("nats-server was not found on PATH or in /usr/sbin; ./test.sh installs it (apt-get install nats-server).");
    }

    private int Start(int port)
    {
        var info = new ProcessStartInfo(FindServer())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        if (_jetStream)
        {
            info.ArgumentList.Add("-js");
            info.ArgumentList.Add("-sd");
            info.ArgumentList.Add(_store);
        }

        if (_token is not null)
        {
            info.ArgumentList.Add("--auth");
            info.ArgumentList.Add(_token);
        }

        var process = Process.Start(info)!;
        _process = process;
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                ready.TrySetException(new InvalidOperationException($"nats-server exited before it was ready:\n{string.Join('\n', log)}"));
                return;
            }

            log.Enqueue(line);
            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (line.Contains("Server is ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        if (!ready.Task.Wait(StartLimit) || !listening.Task.IsCompleted)
        {
            Stop();
            throw new InvalidOperationException($"nats-server did not say it was ready within {StartLimit.TotalSeconds} s:\n{string.Join('\n', log)}");
        }

        return listening.Task.Result;
    }

    [GeneratedRegex(@"Listening for client connections on [^:]+:(\d+)")]
    private static partial Regex Listening();
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Threadwork.Cli.Tests;

/// <summary>A real <c>threadwork echo serve --port 0</c> process: its bound address, its log as it arrives, and SIGTERM.</summary>
internal sealed partial class EchoServerProcess : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    private EchoServerProcess(Process process, IPEndPoint address, string firstLine)
    {
        _process = process;
        Address = address;
        _lines.Add(firstLine);
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                    Monitor.PulseAll(_lines);
                }
            }
        });
    }

    public IPEndPoint Address { get; }

    public int Port => Address.Port;

    public string[] Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public static EchoServerProcess Start(params string[] options)
    {
        var process = ThreadworkProcess.Start(["echo", "serve", "--port", "0", .. options]);
        var first = process.StandardOutput.ReadLine();
        var match = first is null ? null : Running().Match(first);
        if (match is not { Success: true })
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the echo server did not start; it said: {first}\n{process.StandardError.ReadToEnd()}");
        }

        return new EchoServerProcess(process, new IPEndPoint(IPAddress.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)), first!);
    }

    public Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = (int)Bound.TotalMilliseconds };
        socket.Connect(Address);
        return socket;
    }

    /// <summary>Waits until <paramref name="occurrence"/> log lines satisfy <paramref name="predicate"/> and returns the last of them; fails the test after the bound.</summary>
    public string WaitForLine(Func<string, bool> predicate, string what, int occurrence = 1)
    {
        var deadline = Stopwatch.StartNew();
        lock (_lines)
        {
            while (true)
            {
                if (_lines.Where(predicate).Skip(occurrence - 1).FirstOrDefault() is { } line)
                {
                    return line;
                }

                var left = Bound - deadline.Elapsed;
                Assert.True(left > TimeSpan.Zero && !_reader.IsCompleted, $"the server never logged {what}; it logged:\n{string.Join('\n', _lines)}");
                Monitor.Wait(_lines, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Sends SIGTERM and waits for the exit; returns the exit code and everything the server wrote.</summary>
    public (int ExitCode, string[] Lines, string Stderr) Terminate()
    {
        // kill(2) itself rather than the kill command: no process start between the decision and the signal,
        // so a SIGTERM can land as early as a user's would.
        Assert.True(Kill(_process.Id, SigTerm) == 0, $"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");

        Assert.True(_process.WaitForExit(Bound), "the echo server did not exit after SIGTERM");
        Assert.True(_reader.Wait(Bound));
        return (_process.ExitCode, Lines, _stderr.GetAwaiter().GetResult());
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(Bound);
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^Echo server running at ([0-9.]+):(\d+) ")]
    private static partial Regex Running();
}

using System.Diagnostics;
using System.Threading.Channels;
using Threadwork.TestSupport;

namespace Threadwork.Nats.Tests;

/// <summary>
/// The built <c>threadwork</c> tool run as a real process (as tests/Threadwork.Cli.Tests does), with its output
/// read line by line, so that a test waits for what the tool says instead of sleeping.
/// </summary>
internal sealed class ThreadworkTool : IDisposable
{
    /// <summary>The longest any one wait of these tests takes before it fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();
    private readonly List<string> _stderrSeen = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ThreadworkTool(string[] args)
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

        Args = string.Join(' ', args);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Forward(e.Data, _stdout, _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Forward(e.Data, _stderr, _stderrClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The tool's entry assembly, built with the same configuration as these tests.</summary>
    public static string ToolPath => BuiltTool.Path;

    public string Args { get; }

    public StreamWriter Stdin => _process.StandardInput;

    public static ThreadworkTool Start(params string[] args) => new(args);

    /// <summary>Runs the tool to its end: exit code, every stdout line, every stderr line.</summary>
    public static async Task<(int ExitCode, List<string> Stdout, List<string> Stderr)> RunAsync(params string[] args)
    {
        using var tool = Start(args);
        tool.Stdin.Close();
        var code = await tool.WaitForExitAsync();
        return (code, await tool.RestOfStdoutAsync(), await tool.RestOfStderrAsync());
    }

    /// <summary>The next line of stdout.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            return await _stdout.Reader.ReadAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"threadwork {Args}: no line on stdout ({e.GetType().Name}); stderr so far:\n{string.Join('\n', _stderrSeen)}");
        }
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForStderrAsync(string text)
    {
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            while (true)
            {
                var line = await _stderr.Reader.ReadAsync(limit.Token);
                lock (_stderrSeen)
                {
                    _stderrSeen.Add(line);
                }

                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"threadwork {Args}: stderr never said '{text}' ({e.GetType().Name}); it said:\n{string.Join('\n', _stderrSeen)}");
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new Xunit.Sdk.XunitException($"threadwork {Args} did not exit within {Limit.TotalSeconds} s");
        }

        return _process.ExitCode;
    }

    /// <summary>Every stdout line not read yet, once the process has exited.</summary>
    public async Task<List<string>> RestOfStdoutAsync()
    {
        await _stdoutClosed.Task.WaitAsync(Limit);
        var lines = new List<string>();
        while (_stdout.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Every stderr line not waited for yet, once the process has exited.</summary>
    public async Task<List<string>> RestOfStderrAsync()
    {
        await _stderrClosed.Task.WaitAsync(Limit);
        var lines = new List<string>();
        while (_stderr.Reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>Kills the process at once (SIGKILL): nothing it holds is finished or acknowledged.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(Limit);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static void Forward(string? line, Channel<string> channel, TaskCompletionSource closed)
    {
        if (line is null)
        {
            channel.Writer.TryComplete();
            closed.TrySetResult();
            return;
        }

        channel.Writer.TryWrite(line);
    }
}

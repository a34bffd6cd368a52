using Spectre.Console;

namespace Threadwork.Cli.Robots;

/// <summary>Files and bytes scanned so far, counted by the scanning threads and shown as a bar on a terminal.</summary>
internal sealed class ScanProgress(int totalFiles, long? totalBytes)
{
    /// <summary>Raw (compressed) bytes read, summed over all threads.</summary>
    private long _bytes;

    /// <summary>Files finished.</summary>
    private int _files;

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Files => Volatile.Read(ref _files);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void FileDone() => Interlocked.Increment(ref _files);

    /// <summary>
    /// Runs <paramref name="scan"/>, drawing a progress bar on standard error while it runs if standard
    /// error is a terminal; silent otherwise, so piped output and logs stay clean.
    /// </summary>
    public async Task<T> ShowWhileAsync<T>(Task<T> scan)
    {
        if (Console.IsErrorRedirected)
        {
            return await scan.ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("scanning", maxValue: totalBytes is > 0 ? totalBytes.Value : 1);
                bar.IsIndeterminate = totalBytes is null;
                while (!scan.IsCompleted)
                {
                    Update(bar);
                    await Task.WhenAny(scan, Task.Delay(100)).ConfigureAwait(false);
                }

                Update(bar);
            }).ConfigureAwait(false);
        return await scan.ConfigureAwait(false);
    }

    private void Update(ProgressTask bar)
    {
        bar.Description = $"files {Files}/{totalFiles}";
        bar.Value = Bytes;
    }
}

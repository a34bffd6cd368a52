using System.Globalization;
using System.Runtime.Versioning;
using Threadwork.Daemons;

namespace Threadwork.Tests.Daemons;

[SupportedOSPlatform("linux")]
public sealed class PidFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("threadwork-pidfile-tests-").FullName;

    private string Path => System.IO.Path.Combine(folder, "t.pid");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Acquire_writes_this_pid_with_mode_0644_and_probe_sees_it_running()
    {
        using var pidFile = PidFile.Acquire(Path);
        Assert.Equal(Environment.ProcessId, pidFile.ProcessId);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(Path));
        Assert.Equal(new PidFileStatus(PidFileState.Running, Environment.ProcessId), PidFile.Probe(Path));
    }

    [Fact]
    public void A_second_acquire_is_refused_with_the_holders_pid_while_the_first_holds_it()
    {
        using var first = PidFile.Acquire(Path);
        var refused = Assert.Throws<DaemonAlreadyRunningException>(() => PidFile.Acquire(Path));
        Assert.Equal(Environment.ProcessId, refused.ProcessId);
        Assert.Equal($"already running (pid {Environment.ProcessId})", refused.Message);
    }

    [Fact]
    public void Dispose_removes_the_file_and_a_new_acquire_succeeds()
    {
        PidFile.Acquire(Path).Dispose();
        Assert.False(File.Exists(Path));
        Assert.Equal(new PidFileStatus(PidFileState.NotRunning, null), PidFile.Probe(Path));
        using var again = PidFile.Acquire(Path);
        Assert.Equal(PidFileState.Running, PidFile.Probe(Path).State);
    }

    [Fact]
    public void A_file_left_by_a_crash_is_stale_and_does_not_block_an_acquire()
    {
        File.WriteAllText(Path, "999999\n");
        Assert.Equal(new PidFileStatus(PidFileState.Stale, 999_999), PidFile.Probe(Path));
        using var taken = PidFile.Acquire(Path);
        Assert.Equal(new PidFileStatus(PidFileState.Running, Environment.ProcessId), PidFile.Probe(Path));
    }

    [Fact]
    public void An_empty_unheld_file_means_not_running()
    {
        File.WriteAllText(Path, string.Empty);
        Assert.Equal(new PidFileStatus(PidFileState.NotRunning, null), PidFile.Probe(Path));
    }

    [Fact]
    public void A_symbolic_link_is_refused_and_nothing_is_written_through_it()
    {
        var target = System.IO.Path.Combine(folder, "target");
        File.CreateSymbolicLink(Path, target);
        var acquire = Assert.Throws<IOException>(() => PidFile.Acquire(Path));
        Assert.Equal($"pid file {Path} is a symbolic link; refusing to follow it", acquire.Message);
        Assert.Throws<IOException>(() => PidFile.Probe(Path));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Many_threads_racing_to_acquire_get_exactly_one_holder()
    {
        const int racers = 16;
        using var line = new Barrier(racers);
        var results = new PidFile?[racers];
        var refusals = 0;
        var threads = Enumerable.Range(0, racers).Select(i => new Thread(() =>
        {
            line.SignalAndWait();
            try
            {
                results[i] = PidFile.Acquire(Path);
            }
            catch (DaemonAlreadyRunningException)
            {
                Interlocked.Increment(ref refusals);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));
        }

        using var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(racers - 1, refusals);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ReadWithoutLock());
    }

    // .NET's own File API takes a shared flock, which the holder's exclusive lock refuses.
    private string ReadWithoutLock()
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", [Path]) { RedirectStandardOutput = true })!;
        return cat.StandardOutput.ReadToEnd().Trim();
    }
}

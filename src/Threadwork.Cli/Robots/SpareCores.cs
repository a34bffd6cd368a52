namespace Threadwork.Cli.Robots;

/// <summary>
/// The cores no scanning thread is using, which a scan may take to inflate on a second thread while its
/// own thread parses. A scan asks between buffers, so a file started while every core was busy still
/// gets the second thread once another file's scan is over, and none earlier: a second thread on a busy
/// core would only add hand-offs.
/// </summary>
/// <param name="count">Spare cores at the start: the cores minus the scanning threads (negative when there are more threads than cores).</param>
internal sealed class SpareCores(int count)
{
    private int _count = count;

    /// <summary>No core to spare, ever: a scan stays on its one thread.</summary>
    public static SpareCores None => new(int.MinValue / 2);

    /// <summary>Takes a spare core if there is one; give it back with <see cref="Release"/>.</summary>
    public bool TryClaim()
    {
        var seen = Volatile.Read(ref _count);
        while (seen > 0)
        {
            var before = Interlocked.CompareExchange(ref _count, seen - 1, seen);
            if (before == seen)
            {
                return true;
            }

            seen = before;
        }

        return false;
    }

    /// <summary>A core is free again: a claim given back, or a scanning thread that has no more files.</summary>
    public void Release() => Interlocked.Increment(ref _count);
}

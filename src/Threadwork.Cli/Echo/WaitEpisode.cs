namespace Threadwork.Cli.Echo;

/// <summary>
/// A stretch of time during which new clients wait (every worker busy, or the connection limit
/// reached), logged once when it starts and once when it ends, never once per client.
/// </summary>
internal sealed class WaitEpisode(EchoLog log)
{
    /// <summary>1 while the episode is on; the exchange makes exactly one caller log each edge.</summary>
    private int _on;

    public bool IsOn => Volatile.Read(ref _on) == 1;

    public void Start(string why)
    {
        if (Interlocked.Exchange(ref _on, 1) == 0)
        {
            log.Line($"{why}: new clients wait");
        }
    }

    public void End(string why)
    {
        if (Interlocked.Exchange(ref _on, 0) == 1)
        {
            log.Line($"{why}: new clients are served at once again");
        }
    }
}

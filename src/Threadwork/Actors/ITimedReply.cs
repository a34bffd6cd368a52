namespace Threadwork.Actors;

/// <summary>An ask waiting for its reply with a deadline, as <see cref="AskTimeouts"/> lists it; the links are guarded by that list's lock.</summary>
internal interface ITimedReply
{
    /// <summary>When the ask gives up, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    long Deadline { get; }

    /// <summary>The entry before this one in its list.</summary>
    ITimedReply? Previous { get; set; }

    /// <summary>The entry after this one in its list.</summary>
    ITimedReply? Next { get; set; }

    /// <summary>Whether the entry is in a list now.</summary>
    bool IsListed { get; set; }

    /// <summary>Gives the ask up with a timeout (it may have been answered meanwhile: then nothing happens).</summary>
    void TimeOut();
}

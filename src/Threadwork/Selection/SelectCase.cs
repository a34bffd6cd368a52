namespace Threadwork.Selection;

/// <summary>One case of a <see cref="Selector{T}"/>: a queue to take from or a socket to wait on.</summary>
internal abstract class SelectCase<T>
{
    protected SelectCase(SelectSignal<T> signal, int index)
    {
        Signal = signal;
        Index = index;
    }

    /// <summary>The position the case was added at; reported in results.</summary>
    public int Index { get; }

    /// <summary>The select's one claim, shared by all its cases.</summary>
    protected SelectSignal<T> Signal { get; }

    /// <summary>
    /// The first pass, before the select is armed: takes an item (or reports closed, or readable) if the
    /// case is ready now. Nothing can claim the select meanwhile, so no claim is needed.
    /// </summary>
    public abstract bool TryReadyNow(out SelectResult<T> result);

    /// <summary>The second pass, with the select armed for <paramref name="generation"/>: completes at once if ready, else waits to claim it.</summary>
    public abstract CaseRegistration Register(long generation, out SelectResult<T> result);

    /// <summary>
    /// Ends this case's part in the wait once the select has been claimed: a case that did not win
    /// withdraws its registration. Called once for every case that returned <see cref="CaseRegistration.Registered"/>.
    /// </summary>
    public abstract void Finish(bool won);
}

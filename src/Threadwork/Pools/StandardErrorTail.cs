namespace Threadwork.Pools;

/// <summary>The last lines a worker wrote to standard error, kept so that a crash can be reported with them (a FailFast message, a native crash).</summary>
internal sealed class StandardErrorTail
{
    private const int MaxLines = 12;
    private const int MaxLineLength = 400;

    private readonly Lock _lock = new();

    /// <summary>The kept lines, oldest first; guarded by <see cref="_lock"/>.</summary>
    private readonly Queue<string> _lines = new(MaxLines);

    public void Add(string line)
    {
        if (line.Length > MaxLineLength)
        {
            line = string.Concat(line.AsSpan(0, MaxLineLength), "...");
        }

        lock (_lock)
        {
            if (_lines.Count == MaxLines)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}

namespace Threadwork.Cli.Counter;

/// <summary>Recipe 12.4's SharedCounter: a counter that many threads may change, each change under one lock.</summary>
/// <param name="initialValue">The starting value.</param>
internal sealed class SharedCounter(long initialValue = 0)
{
    /// <summary>Guards <see cref="_value"/>.</summary>
    private readonly Lock _valueLock = new();

    /// <summary>The count; read and written only under <see cref="_valueLock"/>.</summary>
    private long _value = initialValue;

    public long Value
    {
        get
        {
            lock (_valueLock)
            {
                return _value;
            }
        }
    }

    public void Increment(long delta = 1)
    {
        lock (_valueLock)
        {
            _value += delta;
        }
    }

    public void Decrement(long delta = 1)
    {
        lock (_valueLock)
        {
            _value -= delta;
        }
    }
}

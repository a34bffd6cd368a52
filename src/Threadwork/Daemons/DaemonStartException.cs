namespace Threadwork.Daemons;

/// <summary>Thrown in the starting process when the daemon could not be started; the message is the daemon's own startup error.</summary>
public sealed class DaemonStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DaemonStartException()
    {
    }

    /// <summary>Creates the exception with the daemon's startup error.</summary>
    /// <param name="message">What went wrong, as the daemon reported it.</param>
    public DaemonStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public DaemonStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

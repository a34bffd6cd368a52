namespace Threadwork.Nats;

/// <summary>
/// A <see cref="NatsLink"/> could not connect: the server was unreachable, did not answer in time, refused the
/// credentials, or has no JetStream where a work queue needs it. The message names the URL and the reason.
/// </summary>
public sealed class NatsConnectException : Exception
{
    /// <summary>Creates the exception with a general message.</summary>
    public NatsConnectException()
        : this("Cannot connect to the NATS server.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsConnectException(string message)
        : base(message)
    {
        Server = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The client's exception.</param>
    public NatsConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
        Server = string.Empty;
    }

    /// <summary>Creates the exception for one server.</summary>
    /// <param name="server">The server's URL.</param>
    /// <param name="isAuthorizationFailure">True if the server refused the credentials.</param>
    /// <param name="message">What went wrong, naming the URL.</param>
    /// <param name="innerException">The client's exception, or null.</param>
    public NatsConnectException(string server, bool isAuthorizationFailure, string message, Exception? innerException)
        : base(message, innerException)
    {
        Server = server;
        IsAuthorizationFailure = isAuthorizationFailure;
    }

    /// <summary>The URL of the server that could not be used.</summary>
    public string Server { get; }

    /// <summary>True if the server was reached and refused the token or user/password.</summary>
    public bool IsAuthorizationFailure { get; }
}

namespace Threadwork.Cli.Echo;

/// <summary>The load found the server wrong: a byte that differs, or a connection dropped before its last echo.</summary>
internal sealed class EchoLoadFailure(string message) : Exception(message)
{
    public EchoLoadFailure()
        : this("the echo load failed")
    {
    }

    public EchoLoadFailure(string message, Exception innerException)
        : this(message + ": " + innerException.Message)
    {
    }
}

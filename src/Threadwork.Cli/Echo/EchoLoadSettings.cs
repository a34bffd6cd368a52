using System.Net;

namespace Threadwork.Cli.Echo;

/// <summary>What <c>threadwork echo load</c> was asked for.</summary>
/// <param name="Server">The echo server.</param>
/// <param name="Connections">Connections, all open before the first message.</param>
/// <param name="Messages">Round trips in all, spread evenly over the connections.</param>
/// <param name="Size">Bytes per message.</param>
/// <param name="Hold">How long the connections stay open and idle before the first message.</param>
internal sealed record EchoLoadSettings(IPEndPoint Server, int Connections, int Messages, int Size, TimeSpan Hold);

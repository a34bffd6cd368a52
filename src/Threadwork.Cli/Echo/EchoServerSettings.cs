using System.Net;

namespace Threadwork.Cli.Echo;

/// <summary>What <c>threadwork echo serve</c> was asked for.</summary>
/// <param name="Address">Where to listen; port 0 picks a free one.</param>
/// <param name="Mode">Pool (the recipe) or async.</param>
/// <param name="Workers">Pool threads in pool mode.</param>
/// <param name="MaxConnections">Most connections open at once; null for no limit (beyond the pool in pool mode).</param>
/// <param name="Quiet">True to leave out the per-connection lines.</param>
internal sealed record EchoServerSettings(IPEndPoint Address, EchoMode Mode, int Workers, int? MaxConnections, bool Quiet);

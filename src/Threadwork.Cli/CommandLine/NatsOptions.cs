using System.CommandLine;
using System.CommandLine.Parsing;
using Threadwork.Nats;

namespace Threadwork.Cli.CommandLine;

/// <summary>
/// The options every NATS command shares (<c>--nats</c>, <c>--token</c>, <c>--user</c>, <c>--password</c>), and
/// connecting with them: an unreachable server or refused credentials print one line naming the URL and end
/// the command with exit code 1, within the connect timeout.
/// </summary>
internal sealed class NatsOptions
{
    /// <summary>Exit code when the server cannot be used.</summary>
    public const int Unavailable = 1;

    private readonly Option<string> _server = new("--nats")
    {
        Description = "The NATS server's URL (credentials may be written in it: nats://TOKEN@host:port)",
        HelpName = "url",
        DefaultValueFactory = _ => NatsLinkOptions.DefaultServer,
        CustomParser = ParseServer,
    };

    private readonly Option<string?> _token = new("--token")
    {
        Description = "The token the server expects (default: $NATS_TOKEN)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NATS_TOKEN"),
    };

    private readonly Option<string?> _user = new("--user") { Description = "The user name, with --password" };

    private readonly Option<string?> _password = new("--password") { Description = "The password of --user (default: $NATS_PASSWORD)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NATS_PASSWORD") };

    private readonly Option<Duration> _connectTimeout = Options.Duration("--connect-timeout", TimeSpan.FromSeconds(5), "How long to try to reach the server before giving up");

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_server);
        command.Options.Add(_token);
        command.Options.Add(_user);
        command.Options.Add(_password);
        command.Options.Add(_connectTimeout);
    }

    /// <summary>Connects; prints why not and returns null when the server cannot be used. State changes are printed to stderr as they happen.</summary>
    public async Task<NatsLink?> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new NatsLinkOptions
        {
            Server = parse.GetValue(_server)!,
            Token = parse.GetValue(_token),
            User = parse.GetValue(_user),
            Password = parse.GetValue(_user) is null ? null : parse.GetValue(_password),
            ConnectTimeout = parse.GetValue(_connectTimeout).Value,
        };
        try
        {
            var link = await NatsLink.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            link.StateChanged += (_, e) => Console.Error.WriteLine($"threadwork: nats {Describe(e.State)} ({e.Detail})");
            return link;
        }
        catch (NatsConnectException failure)
        {
            await Console.Error.WriteLineAsync($"threadwork: {failure.Message}").ConfigureAwait(false);
            return null;
        }
    }

    private static string Describe(NatsLinkState state) => state switch
    {
        NatsLinkState.Connected => "connected",
        NatsLinkState.Reconnecting => "disconnected, reconnecting",
        _ => "closed",
    };

    private static string ParseServer(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        foreach (var one in value.Split(','))
        {
            if (!Uri.TryCreate(one, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss") || string.IsNullOrEmpty(uri.Host))
            {
                result.AddError($"--nats: '{NatsLink.Mask(one)}' is not a NATS URL; use e.g. nats://127.0.0.1:4222 (schemes nats, tls, ws, wss).");
            }
        }

        return value;
    }
}

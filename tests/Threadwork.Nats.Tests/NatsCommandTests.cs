using System.Net;
using System.Net.Sockets;

namespace Threadwork.Nats.Tests;

/// <summary>The <c>threadwork pubsub publish|subscribe</c> and <c>threadwork work</c> commands as real processes: exchange, errors.</summary>
public sealed class NatsCommandTests(NatsServer server) : IClassFixture<NatsServer>
{
    [Fact]
    public async Task Two_processes_exchange_messages_through_the_server()
    {
        using var subscriber = ThreadworkTool.Start("pubsub", "subscribe", "chat.room", "--nats", server.Url, "--count", "4");
        await subscriber.WaitForStderrAsync("subscribed to 'chat.room'");

        var fromArgs = await ThreadworkTool.RunAsync("pubsub", "publish", "chat.room", "hello", "two words", "--nats", server.Url);
        Assert.Equal(0, fromArgs.ExitCode);
        Assert.Contains(fromArgs.Stderr, line => line.Contains("published 2 message(s) to 'chat.room'", StringComparison.Ordinal));

        using (var fromStdin = ThreadworkTool.Start("pubsub", "publish", "chat.room", "--nats", server.Url))
        {
            await fromStdin.Stdin.WriteLineAsync("third");
            await fromStdin.Stdin.WriteLineAsync("fourth");
            fromStdin.Stdin.Close();
            Assert.Equal(0, await fromStdin.WaitForExitAsync());
        }

        Assert.Equal(0, await subscriber.WaitForExitAsync());
        Assert.Equal(["hello", "two words", "third", "fourth"], await subscriber.RestOfStdoutAsync());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_a_message_naming_the_server()
    {
        using var guarded = NatsServer.WithToken("s3cret");
        var refused = await ThreadworkTool.RunAsync("pubsub", "subscribe", "chat", "--nats", guarded.Url, "--token", "wrong");
        Assert.Equal(1, refused.ExitCode);
        var error = Assert.Single(refused.Stderr);
        Assert.Contains($"The NATS server at {guarded.Url} refused the credentials", error, StringComparison.Ordinal);

        var accepted = await ThreadworkTool.RunAsync("work", "put", "guarded", "one", "--nats", guarded.Url, "--token", "s3cret");
        Assert.True(accepted.ExitCode == 0, string.Join('\n', accepted.Stderr));
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_naming_the_url_not_a_hang()
    {
        var url = $"nats://127.0.0.1:{ClosedPort()}";
        var publish = await ThreadworkTool.RunAsync("pubsub", "publish", "chat", "hello", "--nats", url, "--connect-timeout", "2s");
        Assert.Equal(1, publish.ExitCode);
        Assert.Contains($"Cannot connect to the NATS server at {url}", Assert.Single(publish.Stderr), StringComparison.Ordinal);

        var consume = await ThreadworkTool.RunAsync("work", "consume", "jobs", "--nats", url, "--connect-timeout", "2s");
        Assert.Equal(1, consume.ExitCode);
        Assert.Contains($"Cannot connect to the NATS server at {url}", Assert.Single(consume.Stderr), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pubsub", "publish", "orders..new", "exchange: The exchange name 'orders..new' has an empty token")]
    [InlineData("work", "put", "a.b", "queue: The work queue name 'a.b' has '.'")]
    public async Task A_bad_name_is_a_usage_error_saying_what_is_wrong(string command, string verb, string name, string expected)
    {
        var result = await ThreadworkTool.RunAsync(command, verb, name, "x", "--nats", server.Url);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.Stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_that_is_not_nats_is_a_usage_error()
    {
        var result = await ThreadworkTool.RunAsync("work", "put", "jobs", "x", "--nats", "http://127.0.0.1:4222");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--nats: 'http://127.0.0.1:4222' is not a NATS URL", result.Stderr[0], StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound by the system, then released.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

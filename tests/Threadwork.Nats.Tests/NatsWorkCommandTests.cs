namespace Threadwork.Nats.Tests;

/// <summary><c>threadwork work</c> as real processes: a consumer killed mid-stream loses nothing (its own class, to run beside the others).</summary>
public sealed class NatsWorkCommandTests(NatsServer server) : IClassFixture<NatsServer>
{
    [Fact]
    public async Task A_consumer_killed_mid_stream_has_its_unacknowledged_item_consumed_by_another_and_nothing_is_lost()
    {
        var items = Enumerable.Range(1, 10).Select(i => $"job {i}").ToArray();
        await using var link = await NatsLink.ConnectAsync(new NatsLinkOptions { Server = server.Url });
        var queue = await NatsWorkQueue.OpenAsync(link, "killed", serializer: NATS.Client.Core.NatsDefaultSerializer<string>.Default);
        foreach (var item in items)
        {
            await queue.PutAsync(item);
        }

        // Each item is printed, held for a second, then acknowledged: at its third line the process has
        // acknowledged two items and holds the third, unacknowledged, when it is killed.
        var printed = new List<string>();
        using (var doomed = ThreadworkTool.Start("work", "consume", "killed", "--hold", "1s", "--ack-wait", "1s", "--nats", server.Url))
        {
            for (var i = 0; i < 3; i++)
            {
                printed.Add(await doomed.ReadLineAsync());
            }

            doomed.Kill();

            // On a loaded machine the kill may come after a later line: the last one printed is the one held.
            printed.AddRange(await doomed.RestOfStdoutAsync());
        }

        Assert.Equal(items[..printed.Count], printed);
        Assert.Equal(items.Length - printed.Count + 1, await queue.CountUnfinishedAsync());

        // The held item comes back (after the ack wait) with those never taken: each once, none lost.
        var expected = items[(printed.Count - 1)..];
        var rest = await ThreadworkTool.RunAsync("work", "consume", "killed", "--count", $"{expected.Length}", "--nats", server.Url);
        Assert.True(rest.ExitCode == 0, string.Join('\n', rest.Stderr));
        Assert.Equal(expected.Order(), rest.Stdout.Order());
        var join = await ThreadworkTool.RunAsync("work", "join", "killed", "--timeout", "10s", "--nats", server.Url);
        Assert.Equal(0, join.ExitCode);
        Assert.Equal(["'killed': every item put has been acknowledged"], join.Stdout);
    }
}

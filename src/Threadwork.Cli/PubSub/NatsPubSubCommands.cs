using System.CommandLine;
using NATS.Client.Core;
using Threadwork.Cli.CommandLine;
using Threadwork.Messaging;
using Threadwork.Nats;

namespace Threadwork.Cli.PubSub;

/// <summary>
/// <c>threadwork pubsub publish|subscribe EXCHANGE</c>: an exchange that spans processes and machines through a
/// NATS server. One message is one line of UTF-8 text, sent as it is (so <c>nats sub</c> shows it too).
/// Core NATS: at most once, and a subscriber sees only what is published while it is subscribed.
/// </summary>
internal static class NatsPubSubCommands
{
    public static Command Publish()
    {
        var exchange = ExchangeArgument();
        var messages = new Argument<string[]>("messages") { Description = "The messages; without any, each line of standard input is one", Arity = ArgumentArity.ZeroOrMore };
        var nats = new NatsOptions();
        var command = new Command("publish", "Send messages to every process subscribed to EXCHANGE through a NATS server (at most once)") { exchange, messages };
        nats.AddTo(command);
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => PublishAsync(parse.GetValue(exchange)!, parse.GetValue(messages) ?? [], nats, parse, cancel), token));
        return command;
    }

    public static Command Subscribe()
    {
        var exchange = ExchangeArgument();
        var count = new Option<int?>("--count") { Description = "Exit after this many messages (default: run until Ctrl-C)", HelpName = "n" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--count must be 1 or more.");
            }
        });
        var nats = new NatsOptions();
        var command = new Command("subscribe", "Print each message sent to EXCHANGE by any process, one per line; ready once it says 'subscribed' on stderr") { exchange, count };
        nats.AddTo(command);
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => SubscribeAsync(parse.GetValue(exchange)!, parse.GetValue(count), nats, parse, cancel), token));
        return command;
    }

    private static Argument<string> ExchangeArgument() =>
        new("exchange") { Description = "The exchange's name: dot-separated tokens, e.g. orders.new (the NATS subject)" };

    private static async Task<int> PublishAsync(string name, string[] messages, NatsOptions nats, ParseResult parse, CancellationToken cancellationToken)
    {
        if (Open(name) is not { } exchange)
        {
            return 2;
        }

        await using var link = await nats.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
        if (link is null)
        {
            return NatsOptions.Unavailable;
        }

        using var bridge = exchange.Bridge(new NatsExchangeTransport<string>(link, NatsDefaultSerializer<string>.Default));
        var sent = 0;
        try
        {
            if (messages.Length > 0)
            {
                foreach (var message in messages)
                {
                    exchange.Send(message);
                    sent++;
                }
            }
            else
            {
                while (await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
                {
                    exchange.Send(line);
                    sent++;
                }
            }

            // Core NATS does not confirm a publish: a round trip shows the server has every message before exiting.
            await link.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"threadwork: publishing to '{name}' on {link.Server} failed after {sent} message(s): {e.Message}").ConfigureAwait(false);
            return NatsOptions.Unavailable;
        }

        await Console.Error.WriteLineAsync($"threadwork: published {sent} message(s) to '{name}' on {link.Server}").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> SubscribeAsync(string name, int? count, NatsOptions nats, ParseResult parse, CancellationToken cancellationToken)
    {
        if (Open(name) is not { } exchange)
        {
            return 2;
        }

        await using var link = await nats.ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
        if (link is null)
        {
            return NatsOptions.Unavailable;
        }

        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var transport = new NatsExchangeTransport<string>(link, NatsDefaultSerializer<string>.Default, fault => Console.Error.WriteLine($"threadwork: {fault.Message}"));
        using var printer = exchange.Attach(message =>
        {
            // One delivery thread per subscription: the count needs no lock.
            if (count is { } limit && received >= limit)
            {
                return;
            }

            Console.Out.WriteLine(message);
            if (++received == count)
            {
                enough.TrySetResult();
            }
        });
        using (exchange.Bridge(transport))
        {
            // Ready only once the server has the subscription: core NATS gives nothing published before it.
            await link.FlushAsync(cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"threadwork: subscribed to '{name}' on {link.Server}{(count is { } n ? $"; exiting after {n} message(s)" : "; Ctrl-C to stop")}").ConfigureAwait(false);
            await enough.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static Exchange<string>? Open(string name)
    {
        try
        {
            return new ExchangeRegistry().GetOrCreate<string>(name);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"threadwork: exchange: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
            return null;
        }
    }
}

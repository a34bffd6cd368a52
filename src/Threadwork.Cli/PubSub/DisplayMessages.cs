using Threadwork.Messaging;

namespace Threadwork.Cli.PubSub;

/// <summary>The recipe's DisplayMessages: counts the messages it sees and prints each with its number.</summary>
internal sealed class DisplayMessages(TextWriter output) : ISubscriber<string>
{
    public int Count { get; private set; }

    public void Send(string message) => output.WriteLine($"msg[{++Count}]: '{message}'");
}

using Threadwork.Messaging;

namespace Threadwork.Cli.PubSub;

/// <summary>The recipe's task: anything with a Send method; this one prints what it gets and counts it.</summary>
internal sealed class RecipeTask(string name, TextWriter output) : ISubscriber<string>
{
    public int Received { get; private set; }

    public void Send(string message)
    {
        Received++;
        output.WriteLine($"{name} got '{message}'");
    }

    public override string ToString() => name;
}

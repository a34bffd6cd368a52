using System.CommandLine;
using System.Globalization;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Cpu;

/// <summary><c>threadwork cpu</c>: recipe 12.9, the same CPU-bound work on 1..N threads, with the speedup.</summary>
internal static class CpuCommand
{
    public static Command Create()
    {
        var threads = new Option<int[]>("--threads")
        {
            Description = "Thread counts to compare, comma-separated",
            HelpName = "1,2,4",
            DefaultValueFactory = _ => [1, 2, 4],
            CustomParser = result =>
            {
                var token = result.Tokens[0].Value;
                var counts = new List<int>();
                foreach (var part in token.Split(','))
                {
                    if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > 1024)
                    {
                        result.AddError($"--threads must be thread counts from 1 to 1024 separated by commas, but '{part}' in '{token}' is not one.");
                        return [];
                    }

                    counts.Add(count);
                }

                return [.. counts.Distinct()];
            },
        };
        var work = new Option<long>("--work")
        {
            Description = "Total steps of arithmetic, shared out over the threads",
            DefaultValueFactory = _ => 500_000_000,
            CustomParser = result =>
            {
                var token = result.Tokens[0].Value;
                if (!long.TryParse(token, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var steps) || steps < 1)
                {
                    result.AddError($"--work must be a whole number of steps, 1 or more, but was '{token}'.");
                }

                return steps;
            },
        };
        var command = new Command("cpu", "Recipe 12.9: the same CPU-bound work on 1, 2, 4... threads; no GIL, so the speedup follows the cores")
        {
            threads, work,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => CpuScalingDemo.RunAsync(parse.GetValue(threads)!, parse.GetValue(work), Console.Out, cancel), token));
        return command;
    }
}

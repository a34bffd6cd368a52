using System.CommandLine;
using System.Globalization;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.GenLogs;

/// <summary><c>threadwork gen-logs</c>: deterministic gzip'd Apache logs for <c>threadwork robots</c> benchmarks and tests.</summary>
internal static class GenLogsCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("DIR") { Description = "Where to write the logs (created if missing)" };
        var files = Options.Int("--files", 8, 1, "How many .log.gz files");
        var lines = Options.Int("--lines", 1_000_000, 0, "Lines in each file");
        var seed = Options.Int("--seed", 1, 0, "The same seed writes the same bytes");
        var malformedRate = new Option<double>("--malformed-rate")
        {
            Description = "Fraction of lines (0 to 1) written malformed: empty, cut short or binary garbage",
            DefaultValueFactory = _ => 0,
            CustomParser = result =>
            {
                var token = result.Tokens[0].Value;
                if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate is < 0 or > 1 || double.IsNaN(rate))
                {
                    result.AddError($"--malformed-rate must be a number from 0 to 1, but was '{token}'.");
                }

                return rate;
            },
        };
        var command = new Command("gen-logs", "Writes deterministic gzip'd Apache access logs (robots.txt among the paths) for benchmarks")
        {
            directory, files, lines, seed, malformedRate,
        };
        command.SetAction((parse, token) => Interrupts.RunAsync(
            cancel => RunAsync(parse.GetValue(directory)!, parse.GetValue(files), parse.GetValue(lines), parse.GetValue(seed), parse.GetValue(malformedRate), cancel), token));
        return command;
    }

    private static Task RunAsync(string directory, int files, int lines, int seed, double malformedRate, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var generator = new LogGenerator(seed, malformedRate);
        var written = new GeneratedFile[files];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, files, options, i =>
            written[i] = generator.Write(Path.Combine(directory, $"access-{i + 1:D3}.log.gz"), i, lines, cancellationToken));

        var hosts = written.SelectMany(f => f.RobotsHosts).ToHashSet(StringComparer.Ordinal);
        var output = Console.Out;
        output.WriteLine($"files: {files}");
        output.WriteLine($"lines: {written.Sum(f => f.Lines)}");
        output.WriteLine($"text bytes: {written.Sum(f => f.TextBytes)}");
        output.WriteLine($"gzip bytes: {written.Sum(f => f.GzipBytes)}");
        output.WriteLine($"robots.txt hits: {written.Sum(f => f.RobotsHits)}");
        output.WriteLine($"robots.txt hosts: {hosts.Count}");
        output.WriteLine($"malformed lines: {written.Sum(f => f.Malformed)}");
        return Task.CompletedTask;
    }
}

using System.CommandLine;
using System.Text;
using Threadwork.Cli.CommandLine;

namespace Threadwork.Cli.Robots;

/// <summary><c>threadwork robots</c>: recipes 12.8–12.9's log scan, every host that fetched /robots.txt.</summary>
internal static class RobotsCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "A .log.gz or .log file, a directory (its *.log.gz and *.log files), or - for standard input",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => ["."],
        };
        var path = new Option<string>("--path")
        {
            Description = "The request path (the 7th field of a log line) to look for",
            DefaultValueFactory = _ => "/robots.txt",
        };
        path.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (string.IsNullOrEmpty(value) || value.Any(char.IsWhiteSpace))
            {
                result.AddError($"--path must be one field of a log line, without white space, but was '{value}'.");
            }
        });
        var serial = new Option<bool>("--serial") { Description = "Scan one file at a time on one thread (the recipe's map)" };
        var parallel = Options.Int("--parallel", Environment.ProcessorCount, 1, "Files scanned at once (the recipe's pool.map); default: one per core");
        var count = new Option<bool>("--count") { Description = "Print the hits of each host after it" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var inflateOnly = new Option<bool>("--inflate-only") { Description = "Diagnostic: only inflate and discard, the limit a scan can reach", Hidden = true };
        var command = new Command("robots", "Recipes 12.8-12.9: the hosts that fetched /robots.txt in Apache logs, sorted; files scanned in parallel")
        {
            paths, path, serial, parallel, count, format, inflateOnly,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(serial) is { Implicit: false } && result.GetResult(parallel) is { Implicit: false })
            {
                result.AddError("--serial and --parallel cannot be used together.");
            }
        });
        command.SetAction((parse, token) => Interrupts.RunAsync(async cancel =>
        {
            var sources = LogSources.Resolve(parse.GetValue(paths)!, out var error);
            if (sources is null)
            {
                await Console.Error.WriteLineAsync($"threadwork robots: {error}").ConfigureAwait(false);
                return 2;
            }

            var settings = new ScanSettings(
                Encoding.UTF8.GetBytes(parse.GetValue(path)!),
                parse.GetValue(serial) ? 1 : parse.GetValue(parallel),
                parse.GetValue(inflateOnly));
            return await RunAsync(sources, settings, parse.GetValue(count), parse.GetValue(format) == "json", cancel).ConfigureAwait(false);
        }, token));
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<LogSource> sources, ScanSettings settings, bool withHits, bool json, CancellationToken cancellationToken)
    {
        var progress = new ScanProgress(sources.Count, sources.Any(s => s.Length is null) ? null : sources.Sum(s => s.Length!.Value));
        var results = await progress.ShowWhileAsync(RobotsScan.RunAsync(sources, settings, progress, cancellationToken)).ConfigureAwait(false);
        var failed = RobotsReport.WriteProblems(Console.Error, results);
        using var output = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        if (settings.InflateOnly)
        {
            output.Write(Encoding.UTF8.GetBytes($"inflated {results.Sum(r => r.TextBytes)} bytes from {results.Count} files\n"));
        }
        else if (json)
        {
            RobotsReport.WriteJson(output, Encoding.UTF8.GetString(settings.Path), results, RobotsScan.Merge(results), withHits);
        }
        else
        {
            RobotsReport.WriteText(output, RobotsScan.Merge(results), withHits);
        }

        return failed ? 1 : 0;
    }
}

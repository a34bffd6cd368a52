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
        var processes = ProcessesOption();
        var count = new Option<bool>("--count") { Description = "Print the hits of each host after it" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var inflateOnly = new Option<bool>("--inflate-only") { Description = "Diagnostic: only inflate and discard, the limit a scan can reach", Hidden = true };
        var command = new Command("robots", "Recipes 12.8-12.9: the hosts that fetched /robots.txt in Apache logs, sorted; files scanned in parallel")
        {
            paths, path, serial, parallel, processes, count, format, inflateOnly,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(serial) is { Implicit: false } && result.GetResult(parallel) is { Implicit: false })
            {
                result.AddError("--serial and --parallel cannot be used together.");
            }

            foreach (var other in new Option[] { serial, parallel })
            {
                if (result.GetResult(processes) is { Implicit: false } && result.GetResult(other) is { Implicit: false })
                {
                    result.AddError($"--processes and {other.Name} cannot be used together: --processes scans in worker processes, {other.Name} on threads.");
                }
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

            if (parse.GetValue(processes) is not null && sources.Any(s => s.Path is null))
            {
                await Console.Error.WriteLineAsync("threadwork robots: --processes cannot scan standard input (-): a worker process cannot read this one's input; use --parallel or --serial").ConfigureAwait(false);
                return 2;
            }

            var settings = new ScanSettings(
                Encoding.UTF8.GetBytes(parse.GetValue(path)!),
                parse.GetValue(serial) ? 1 : parse.GetValue(processes) ?? parse.GetValue(parallel),
                parse.GetValue(inflateOnly))
            {
                Processes = parse.GetValue(processes) ?? 0,
            };
            return await RunAsync(sources, settings, parse.GetValue(count), parse.GetValue(format) == "json", cancel).ConfigureAwait(false);
        }, token));
        return command;
    }

    /// <summary>--processes N: absent means the thread form.</summary>
    private static Option<int?> ProcessesOption() => new("--processes")
    {
        Description = "Scan the files in N worker processes (the recipe's ProcessPoolExecutor): a file that crashes its worker is reported, the others are still scanned",
        HelpName = "N",
        CustomParser = result =>
        {
            var token = result.Tokens[0].Value;
            if (!int.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                result.AddError($"--processes: '{token}' is not a whole number.");
            }
            else if (value < 1)
            {
                result.AddError($"--processes must be 1 or more, but was {value}.");
            }

            return value;
        },
    };

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

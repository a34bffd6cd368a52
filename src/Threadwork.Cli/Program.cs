using System.CommandLine;

var root = new RootCommand("threadwork: the Python Cookbook's concurrency recipes, done properly in .NET");
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

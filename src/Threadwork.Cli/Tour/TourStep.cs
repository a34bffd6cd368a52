namespace Threadwork.Cli.Tour;

/// <summary>One recipe of the chapter and, once it has landed, the short demo that shows it live.</summary>
/// <param name="Recipe">The recipe number, e.g. "12.1".</param>
/// <param name="Title">The recipe's title.</param>
/// <param name="Command">The <c>threadwork</c> command that runs the full demo.</param>
/// <param name="Run">The short demo; null while the recipe is planned. The flag asks for the fastest version.</param>
internal sealed record TourStep(string Recipe, string Title, string Command, Func<TextWriter, bool, CancellationToken, Task>? Run);

using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Threadwork.Pools;

/// <summary>
/// A named job that runs in a <see cref="ProcessPool"/>'s worker processes: its name, and how its argument
/// and result travel as JSON. Declare it once where both sides see it; the worker registers the function
/// under it (<see cref="ProcessJobRegistry.Register{TArgument, TResult}"/>) and the pool submits by it
/// (<see cref="ProcessPool.Submit{TArgument, TResult}"/>), so the name and the types cannot disagree.
/// </summary>
/// <typeparam name="TArgument">The argument, serialised to JSON in the parent and read back in the worker.</typeparam>
/// <typeparam name="TResult">The result, serialised in the worker and read back in the parent.</typeparam>
/// <example>
/// <code>
/// static readonly ProcessJob&lt;string, int&gt; CountLines = new("count-lines", AppJson.Default.String, AppJson.Default.Int32);
/// </code>
/// </example>
public sealed class ProcessJob<TArgument, TResult>
{
    /// <summary>Creates a job whose argument and result are serialised with the given (source-generated or reflection) metadata.</summary>
    /// <param name="name">The name the worker knows the function by.</param>
    /// <param name="argumentTypeInfo">How to serialise the argument.</param>
    /// <param name="resultTypeInfo">How to serialise the result.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public ProcessJob(string name, JsonTypeInfo<TArgument> argumentTypeInfo, JsonTypeInfo<TResult> resultTypeInfo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(argumentTypeInfo);
        ArgumentNullException.ThrowIfNull(resultTypeInfo);
        Name = name;
        ArgumentTypeInfo = argumentTypeInfo;
        ResultTypeInfo = resultTypeInfo;
        EncodedName = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>Creates a job whose argument and result are serialised by reflection, with <paramref name="options"/> or the defaults.</summary>
    /// <param name="name">The name the worker knows the function by.</param>
    /// <param name="options">Serializer options (they need a type-info resolver); null for <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    [RequiresUnreferencedCode("Reflection-based JSON serialisation; use the JsonTypeInfo constructor for trimmed or AOT programs.")]
    [RequiresDynamicCode("Reflection-based JSON serialisation; use the JsonTypeInfo constructor for trimmed or AOT programs.")]
    public ProcessJob(string name, JsonSerializerOptions? options = null)
        : this(name,
            (JsonTypeInfo<TArgument>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(TArgument)),
            (JsonTypeInfo<TResult>)(options ?? JsonSerializerOptions.Default).GetTypeInfo(typeof(TResult)))
    {
    }

    /// <summary>The name the worker knows the function by.</summary>
    public string Name { get; }

    /// <summary>How the argument is serialised.</summary>
    public JsonTypeInfo<TArgument> ArgumentTypeInfo { get; }

    /// <summary>How the result is serialised.</summary>
    public JsonTypeInfo<TResult> ResultTypeInfo { get; }

    /// <summary>The name as UTF-8, encoded once for every frame that names the job.</summary>
    internal byte[] EncodedName { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

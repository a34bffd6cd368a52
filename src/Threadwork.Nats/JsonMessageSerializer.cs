using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NATS.Client.Core;

namespace Threadwork.Nats;

/// <summary>
/// The default message format: System.Text.Json, one JSON value per message. Any NATS.Net
/// <see cref="INatsSerializer{T}"/> can be given instead (e.g. NATS.Net's own UTF-8 text serializer for strings).
/// </summary>
/// <remarks>
/// Safe with untrusted input: the type read is always <typeparamref name="T"/>, fixed by the program;
/// nothing in a message names a type to create (System.Text.Json has no type-name handling, and
/// polymorphism happens only through the <c>[JsonDerivedType]</c> discriminators that
/// <typeparamref name="T"/> itself declares). A message that is not valid JSON for <typeparamref name="T"/>
/// is reported as a fault, never delivered half-read.
/// </remarks>
/// <typeparam name="T">The type of the messages.</typeparam>
public sealed class JsonMessageSerializer<T> : INatsSerializer<T>
{
    /// <summary>One writer per thread, reset onto each message's buffer, so that a message costs no writer allocation.</summary>
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>How <typeparamref name="T"/> is read and written.</summary>
    private readonly JsonTypeInfo<T> _typeInfo;

    /// <summary>Uses the given options, or <see cref="JsonSerializerOptions.Web"/> (camelCase names) if null.</summary>
    /// <param name="options">The options; their resolver must know <typeparamref name="T"/>.</param>
    public JsonMessageSerializer(JsonSerializerOptions? options = null)
        : this((JsonTypeInfo<T>)(options ?? JsonSerializerOptions.Web).GetTypeInfo(typeof(T)))
    {
    }

    /// <summary>Uses source-generated metadata (a <c>JsonSerializerContext</c>'s property for <typeparamref name="T"/>), for trimmed and AOT programs.</summary>
    /// <param name="typeInfo">The metadata.</param>
    /// <exception cref="ArgumentNullException"><paramref name="typeInfo"/> is null.</exception>
    public JsonMessageSerializer(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        _typeInfo = typeInfo;
    }

    /// <inheritdoc/>
    public void Serialize(IBufferWriter<byte> bufferWriter, T value)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(bufferWriter, new JsonWriterOptions { SkipValidation = true });
            t_writer = writer;
        }
        else
        {
            writer.Reset(bufferWriter);
        }

        JsonSerializer.Serialize(writer, value, _typeInfo);
        writer.Flush();

        // Let go of the buffer: it belongs to the client, which reuses it.
        writer.Reset(NoBuffer.Instance);
    }

    /// <inheritdoc/>
    public T? Deserialize(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return default;
        }

        var reader = new Utf8JsonReader(buffer);
        return JsonSerializer.Deserialize(ref reader, _typeInfo);
    }

    /// <summary>Returns this serializer: it handles <typeparamref name="T"/> itself and needs no next one in a chain.</summary>
    /// <param name="next">Ignored.</param>
    /// <returns>This serializer.</returns>
    public INatsSerializer<T> CombineWith(INatsSerializer<T> next) => this;

    /// <summary>A buffer writer that accepts nothing: what the cached writer holds between messages.</summary>
    private sealed class NoBuffer : IBufferWriter<byte>
    {
        public static readonly NoBuffer Instance = new();

        public void Advance(int count) => throw new InvalidOperationException("Nothing may be written between messages.");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("Nothing may be written between messages.");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("Nothing may be written between messages.");
    }
}

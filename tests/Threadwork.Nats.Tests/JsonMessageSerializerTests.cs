using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Threadwork.Nats.Tests;

/// <summary>The default message format: System.Text.Json, the type fixed by the program, never named by the message.</summary>
public sealed partial class JsonMessageSerializerTests
{
    public sealed record Order(int Id, string Item);

    [JsonSerializable(typeof(Order))]
    internal sealed partial class OrderContext : JsonSerializerContext;

    [Fact]
    public void A_record_is_written_as_web_json_and_read_back()
    {
        var serializer = new JsonMessageSerializer<Order>();
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Serialize(buffer, new Order(3, "milk"));
        Assert.Equal("""{"id":3,"item":"milk"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(new Order(3, "milk"), serializer.Deserialize(new ReadOnlySequence<byte>(buffer.WrittenMemory)));
    }

    [Fact]
    public void Many_messages_on_one_thread_each_go_to_their_own_buffer()
    {
        var serializer = new JsonMessageSerializer<int>();
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();
        serializer.Serialize(first, 1);
        serializer.Serialize(second, 22);
        Assert.Equal("1", Encoding.UTF8.GetString(first.WrittenSpan));
        Assert.Equal("22", Encoding.UTF8.GetString(second.WrittenSpan));
    }

    [Fact]
    public void Source_generated_metadata_reads_the_same()
    {
        var serializer = new JsonMessageSerializer<Order>(OrderContext.Default.Order);
        var read = serializer.Deserialize(new ReadOnlySequence<byte>("""{"Id":4,"Item":"tea"}"""u8.ToArray()));
        Assert.Equal(new Order(4, "tea"), read);
    }

    [Fact]
    public void A_type_name_in_the_message_creates_nothing_and_an_empty_message_is_the_default()
    {
        var serializer = new JsonMessageSerializer<object>();
        var read = serializer.Deserialize(new ReadOnlySequence<byte>("""{"$type":"System.IO.FileInfo","OriginalPath":"/etc/passwd"}"""u8.ToArray()));

        // Read as object, untrusted JSON stays a JSON element: no type named in it is ever instantiated.
        Assert.IsType<JsonElement>(read);
        Assert.Null(serializer.Deserialize(ReadOnlySequence<byte>.Empty));
    }

    [Fact]
    public void Invalid_json_is_an_exception_not_half_a_message()
    {
        var serializer = new JsonMessageSerializer<Order>();
        Assert.ThrowsAny<JsonException>(() => serializer.Deserialize(new ReadOnlySequence<byte>("{\"id\":1,"u8.ToArray())));
    }
}

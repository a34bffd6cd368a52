using System.Text;
using Threadwork.Pools;

namespace Threadwork.Tests.Pools;

public class ProcessPoolProtocolTests
{
    [Fact]
    public void A_run_frame_reads_back_as_its_kind_id_name_and_argument()
    {
        var frame = ProcessPoolProtocol.RunFrame(42, Encoding.UTF8.GetBytes("scan-ü"), "{\"n\":1}"u8);
        var buffer = new byte[4];
        using var stream = new MemoryStream(frame);

        Assert.True(ProcessPoolProtocol.TryRead(stream, ref buffer, out var kind, out var id, out var length));
        Assert.Equal(ProcessPoolProtocol.Run, kind);
        Assert.Equal(42, id);
        var (name, argument) = ProcessPoolProtocol.ParseRun(buffer.AsMemory(0, length));
        Assert.Equal("scan-ü", name);
        Assert.Equal("{\"n\":1}", Encoding.UTF8.GetString(argument.Span));
        Assert.False(ProcessPoolProtocol.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void A_stream_that_ends_inside_a_frame_reads_as_the_end_not_as_a_frame()
    {
        var frame = ProcessPoolProtocol.Frame(ProcessPoolProtocol.Result, 7, "12345"u8);
        var buffer = new byte[16];
        foreach (var cut in new[] { 1, ProcessPoolProtocol.HeaderSize - 1, ProcessPoolProtocol.HeaderSize + 2 })
        {
            using var stream = new MemoryStream(frame[..cut]);
            Assert.False(ProcessPoolProtocol.TryRead(stream, ref buffer, out _, out _, out _));
        }
    }

    [Fact]
    public void Stray_output_that_announces_a_huge_frame_is_refused()
    {
        var buffer = new byte[16];
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("hello world, not a frame\n"));
        Assert.Throws<InvalidDataException>(() => ProcessPoolProtocol.TryRead(stream, ref buffer, out _, out _, out _));
    }

    [Fact]
    public void A_run_payload_whose_name_length_overruns_it_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => ProcessPoolProtocol.ParseRun(new byte[] { 9, 0, 0, 0, 65 }));
        Assert.Throws<InvalidDataException>(() => ProcessPoolProtocol.ParseRun(new byte[] { 1, 0 }));
    }
}

using Threadwork.Queues;

namespace Threadwork.Tests.Queues;

public class RequestTests
{
    [Fact]
    public async Task Complete_gives_the_sender_the_result()
    {
        var request = new Request<string, int>("hello");
        Assert.False(request.IsAnswered);
        request.Complete(5);
        Assert.True(request.IsAnswered);
        Assert.Equal(5, await request.Reply);
    }

    [Fact]
    public async Task Fail_gives_the_sender_the_failure()
    {
        var request = new Request<string, int>("hello");
        var error = new FormatException("bad");
        request.Fail(error);
        Assert.Same(error, await Assert.ThrowsAsync<FormatException>(() => request.Reply));
    }

    [Fact]
    public async Task Handle_answers_with_the_handler_result_or_its_exception()
    {
        var ok = new Request<string, int>("four");
        ok.Handle(s => s.Length);
        Assert.Equal(4, await ok.Reply);

        var failing = new Request<string, int>("x");
        failing.Handle(s => throw new InvalidDataException(s));
        Assert.Equal("x", (await Assert.ThrowsAsync<InvalidDataException>(() => failing.Reply)).Message);
    }

    [Fact]
    public async Task Handle_cancels_the_reply_when_the_handler_observes_the_senders_cancellation()
    {
        using var cts = new CancellationTokenSource();
        var request = new Request<int, int>(1, cts.Token);
        await cts.CancelAsync();
        request.Handle(_ =>
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            return 0;
        });
        Assert.True(request.Reply.IsCanceled);
    }

    [Fact]
    public void A_request_is_answered_once()
    {
        var request = new Request<int, int>(1);
        request.Complete(1);
        var e = Assert.Throws<InvalidOperationException>(() => request.Complete(2));
        Assert.Contains("already answered", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => request.Fail(new InvalidOperationException()));
        Assert.Throws<InvalidOperationException>(() => request.Handle(x => x));
        Assert.Throws<ArgumentNullException>(() => new Request<int, int>(1).Fail(null!));
    }
}

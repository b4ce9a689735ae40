using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.CloudWatch;

/// <summary>
/// A wrong endpoint may answer with anything, of any size: CloudWatch's answers are a few kilobytes (a page of events
/// at most a few megabytes), so the client reads no more than a small bound and treats a larger body as invalid.
/// </summary>
public sealed class ResponseSizeTests : IDisposable
{
    private readonly RecordingHandler _service = new();
    private readonly FakeTimeProvider _clock = FakeClock.At2026();

    public void Dispose() => _service.Dispose();

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task HugeBodyWithoutLength_IsReadOnlyUpToTheBoundThenRefused(HttpStatusCode status)
    {
        var endless = new EndlessStream();
        _service.Respond((_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StreamContent(endless) }));
        using CloudWatchLogsClient client = CreateClient();

        CloudWatchLogsException error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.CreateLogStreamAsync("g", "s"));

        Assert.Equal("InvalidResponse", error.ErrorCode);
        Assert.Contains("larger than", error.ServiceMessage, StringComparison.Ordinal);
        // A write's answer is bounded at 64 KiB: the client stops soon after, not at the end of an endless body.
        Assert.InRange(endless.BytesRead, 1, 256 * 1024);
    }

    [Fact]
    public async Task DeclaredLengthOverTheBound_IsRefusedWithoutReading()
    {
        var endless = new EndlessStream();
        _service.Respond((_, _) =>
        {
            var content = new StreamContent(endless);
            content.Headers.ContentLength = 1_500_000_000;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        });
        using CloudWatchLogsClient client = CreateClient();

        CloudWatchLogsException error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogGroupsAsync());

        Assert.Equal("InvalidResponse", error.ErrorCode);
        Assert.Equal(0, endless.BytesRead);
    }

    [Fact]
    public async Task PageOfEvents_SeveralMegabytes_IsRead()
    {
        // A full GetLogEvents page (1 MB of messages, escaped, with its framing) stays well within the bound for reads.
        string message = new('"', 50);
        string events = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"{{\"timestamp\":{i},\"message\":\"{message.Replace("\"", "\\u0022", StringComparison.Ordinal)}\",\"ingestionTime\":{i}}}"));
        _service.Respond(HttpStatusCode.OK, $"{{\"events\":[{events}],\"nextForwardToken\":\"f/1\",\"nextBackwardToken\":\"b/1\"}}");
        using CloudWatchLogsClient client = CreateClient();

        GetLogEventsResponse page = await client.GetLogEventsAsync(new GetLogEventsRequest { LogGroupName = "g", LogStreamName = "s" });

        Assert.Equal(10_000, page.Events.Count);
    }

    private CloudWatchLogsClient CreateClient() => new(
        new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = "https://logs.us-east-1.amazonaws.com",
            Credentials = new BasicAWSCredentials("AKIATEST", "secret"),
            MaxAttempts = 1,
        },
        _service,
        _clock,
        _ => null);

    /// <summary>A body that never ends, counting what was read of it.</summary>
    private sealed class EndlessStream : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            Interlocked.Add(ref _read, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

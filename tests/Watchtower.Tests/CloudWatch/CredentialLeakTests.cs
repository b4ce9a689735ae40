using System.Diagnostics.Tracing;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Diagnostics;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.CloudWatch;

/// <summary>
/// No credential material may leave the library in any text: AWS's InvalidSignatureException quotes the canonical
/// request it expected, session token included, and the string to sign. Every channel a message can take is checked:
/// the public client's exception (Message, ToString, ServiceMessage), the engine's stderr warnings and its EventSource.
/// </summary>
public sealed class CredentialLeakTests : IDisposable
{
    private const string AccessKey = "AKIALEAKTESTKEY12345";
    private const string SecretKey = "leak/Test+Secret/Key/Must/Never/Appear0";
    private const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE/session+token/that-must-never-appear==";

    private readonly RecordingHandler _service = new();
    private readonly FakeTimeProvider _clock = FakeClock.At2026();

    public void Dispose() => _service.Dispose();

    [Fact]
    public async Task PublicClient_InvalidSignature_ExceptionTextHoldsNoCredentials()
    {
        _service.Respond(EchoingInvalidSignature);
        using CloudWatchLogsClient client = CreateClient();

        CloudWatchLogsException error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogGroupsAsync());

        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.StartsWith("The request signature we calculated does not match", error.ServiceMessage, StringComparison.Ordinal);
        AssertClean(error.Message, error.ToString(), error.ServiceMessage);
        // The echo really did hold the token: the test would pass for the wrong reason otherwise.
        Assert.Contains(SessionToken, _service.Requests.Single().Header("X-Amz-Security-Token"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicClient_CredentialsQuotedAnywhereInAnAnswer_AreRedacted()
    {
        // A proxy or a misbehaving endpoint could quote anything on any line, the first included.
        _service.Respond(HttpStatusCode.Forbidden, $"{{\"__type\":\"AccessDeniedException\",\"message\":\"token {SessionToken} key {SecretKey} id {AccessKey}\"}}");
        _service.Respond(HttpStatusCode.BadGateway, $"<html>bad gateway for {SessionToken}</html>");
        using CloudWatchLogsClient client = CreateClient();

        CloudWatchLogsException denied = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogGroupsAsync());
        CloudWatchLogsException gateway = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogGroupsAsync());

        AssertClean(denied.ToString(), denied.ServiceMessage, gateway.ToString(), gateway.ServiceMessage);
        Assert.Contains("[redacted]", denied.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engine_InvalidSignature_StderrAndEventSourceHoldNoCredentials()
    {
        for (int i = 0; i < 20; i++)
        {
            _service.Respond(EchoingInvalidSignature);
        }

        using var listener = new WarningListener();
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using CloudWatchLogsClient client = CreateClient();
        var options = new CloudWatchLogHandlerOptions { LogGroupName = "/leak", LogStreamName = "s", Client = client, CreateLogGroup = false };
        var handler = new CloudWatchLogHandler(options, _clock, new WarningSink(stderr.Enqueue, _clock, interval: TimeSpan.Zero));
        handler.Emit("hello", _clock.GetUtcNow());
        Task flush = handler.FlushAsync();
        await HandlerHarness.WaitUntilAsync(() => !_service.Requests.IsEmpty && handler.IsPausedForAccess, "the credentials to be refused");

        Task disposal = handler.DisposeAsync().AsTask();
        await _clock.AdvanceUntilAsync(() => disposal.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await disposal;

        Assert.Contains(stderr, w => w.Contains("refused the credentials", StringComparison.Ordinal));
        AssertClean([.. stderr, .. listener.Messages]);
    }

    private static void AssertClean(params string[] texts)
    {
        foreach (string text in texts)
        {
            Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SessionToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(AccessKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("x-amz-security-token", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Signature=", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AWS4-HMAC-SHA256", text, StringComparison.Ordinal);
        }
    }

    /// <summary>Answers as AWS does when a signature does not match: the expected canonical request and string to sign, quoted.</summary>
    private static Task<HttpResponseMessage> EchoingInvalidSignature(RecordedRequest request, CancellationToken _)
    {
        string canonical = string.Join('\n',
            "POST", "/", "",
            "content-type:" + request.Header("Content-Type"),
            "host:" + request.Uri.Host,
            "x-amz-date:" + request.Header("X-Amz-Date"),
            "x-amz-security-token:" + request.Header("X-Amz-Security-Token"),
            "x-amz-target:" + request.Header("X-Amz-Target"),
            "",
            "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        string message = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
            + "The Canonical String for this request should have been\n'" + canonical + "'\n\n"
            + "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" + request.Header("X-Amz-Date") + "\n20261123/us-east-1/logs/aws4_request\n"
            + "0f5e7a2c3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7'\n\nAuthorization was: " + request.Header("Authorization");
        string body = $"{{\"__type\":\"InvalidSignatureException\",\"message\":{JsonSerializer.Serialize(message)}}}";
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") });
    }

    private CloudWatchLogsClient CreateClient() => new(
        new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ServiceUrl = "https://logs.us-east-1.amazonaws.com",
            Credentials = new SessionAWSCredentials(AccessKey, SecretKey, SessionToken),
            MaxAttempts = 1,
        },
        _service,
        _clock,
        _ => null);

    private sealed class WarningListener : EventListener
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Watchtower")
            {
                EnableEvents(eventSource, EventLevel.LogAlways);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventSource.Name == "Watchtower" && eventData.Payload is { } payload)
            {
                Messages.Enqueue(string.Join(" | ", payload.Select(p => p?.ToString())));
            }
        }
    }
}

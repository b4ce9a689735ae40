using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Microsoft.Extensions.Time.Testing;
using Watchtower.Tests.Support;

namespace Watchtower.Tests.CloudWatch;

public sealed class CloudWatchLogsClientTests : IDisposable
{
    private const string AccessKey = "AKIAWATCHTOWERTEST";
    private const string SecretKey = "wt/Secret+Key/That/Must/Never/Leak0123";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLE-session-token-that-must-not-leak";

    private readonly RecordingHandler _handler = new();
    private readonly FakeTimeProvider _clock = FakeClock.At2026();

    public void Dispose() => _handler.Dispose();

    private CloudWatchLogsClient CreateClient(
        AWSCredentials? credentials = null,
        int maxAttempts = 3,
        TimeSpan? requestTimeout = null,
        string serviceUrl = "https://logs.eu-west-1.amazonaws.com") =>
        new(
            new CloudWatchLogsClientOptions
            {
                Region = "eu-west-1",
                ServiceUrl = serviceUrl,
                Credentials = credentials ?? new BasicAWSCredentials(AccessKey, SecretKey),
                MaxAttempts = maxAttempts,
                RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
            },
            _handler,
            _clock,
            _ => null,
            random: () => 1.0);

    [Fact]
    public async Task Request_HasAwsJsonProtocolHeaders()
    {
        using CloudWatchLogsClient client = CreateClient();

        await client.CreateLogStreamAsync("group", "stream");

        RecordedRequest request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/", request.Uri.AbsolutePath);
        Assert.Equal("application/x-amz-json-1.1", request.Header("Content-Type"));
        Assert.Equal("Logs_20140328.CreateLogStream", request.Header("X-Amz-Target"));
        Assert.Equal("20261123T100000Z", request.Header("X-Amz-Date"));
        Assert.Equal("{\"logGroupName\":\"group\",\"logStreamName\":\"stream\"}", request.BodyText);
    }

    [Fact]
    public async Task Request_Signature_VerifiesAgainstIndependentCanonicalisation()
    {
        using CloudWatchLogsClient client = CreateClient();

        await client.PutLogEventsAsync("group", "stream", [new InputLogEvent(_clock.GetUtcNow(), "hello")]);

        RecordedRequest request = Assert.Single(_handler.Requests);
        string authorization = request.Header("Authorization");
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/20261123/eu-west-1/logs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=", authorization, StringComparison.Ordinal);
        string canonical = string.Join('\n',
            "POST", "/", "",
            "content-type:application/x-amz-json-1.1",
            "host:logs.eu-west-1.amazonaws.com",
            "x-amz-date:20261123T100000Z",
            "x-amz-target:Logs_20140328.PutLogEvents",
            "",
            "content-type;host;x-amz-date;x-amz-target",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(request.Body)));
        AWS4SigningResult expected = AWS4Signer.ComputeSignature(AccessKey, SecretKey, "eu-west-1", _clock.GetUtcNow().UtcDateTime, "logs", "content-type;host;x-amz-date;x-amz-target", canonical);
        Assert.Equal(expected.ForAuthorizationHeader, authorization);
    }

    [Fact]
    public async Task Request_NonDefaultPort_SignsHostWithPort()
    {
        using CloudWatchLogsClient client = CreateClient(serviceUrl: "http://127.0.0.1:4566");

        await client.DeleteLogGroupAsync("group");

        Assert.Equal(new Uri("http://127.0.0.1:4566/"), Assert.Single(_handler.Requests).Uri);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target", _handler.Requests.Single().Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_SessionCredentials_SendAndSignSecurityToken()
    {
        using CloudWatchLogsClient client = CreateClient(new SessionAWSCredentials(AccessKey, SecretKey, SessionToken));

        await client.DeleteLogGroupAsync("group");

        RecordedRequest request = Assert.Single(_handler.Requests);
        Assert.Equal(SessionToken, request.Header("X-Amz-Security-Token"));
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target", request.Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_RotatingCredentials_AreAskedBeforeEachRequest()
    {
        var rotating = new RotatingCredentials();
        using CloudWatchLogsClient client = CreateClient(rotating);

        await client.DeleteLogGroupAsync("a");
        await client.DeleteLogGroupAsync("b");

        string[] keys = _handler.Requests.Select(r => r.Header("Authorization").Split("Credential=")[1].Split('/')[0]).ToArray();
        Assert.Equal(["AKIAROTATING1", "AKIAROTATING2"], keys);
    }

    [Fact]
    public async Task PutLogEvents_Body_IsExactJsonWithUtf8TextAndMillisecondTimestamps()
    {
        using CloudWatchLogsClient client = CreateClient();
        var time = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero);

        await client.PutLogEventsAsync("g", "s",
        [
            new InputLogEvent(time, "Zoë says \"hi\"\n\ttab ✓ 日本"),
            new InputLogEvent(time.AddMilliseconds(1), "lone \ud800 surrogate"),
            new InputLogEvent(time.AddMilliseconds(2), "emoji 😀 </script>"),
        ]);

        string expected =
            "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"logEvents\":[" +
            "{\"timestamp\":1795428000123,\"message\":\"Zoë says \\\"hi\\\"\\n\\ttab ✓ 日本\"}," +
            "{\"timestamp\":1795428000124,\"message\":\"lone \uFFFD surrogate\"}," +
            // Characters beyond the BMP go as their UTF-8 bytes, as counted: only quote, backslash and controls are escaped.
            "{\"timestamp\":1795428000125,\"message\":\"emoji 😀 </script>\"}]}";
        Assert.Equal(expected, Assert.Single(_handler.Requests).BodyText);
    }

    [Fact]
    public async Task PutLogEvents_NoEvents_ThrowsWithoutSending()
    {
        using CloudWatchLogsClient client = CreateClient();

        await Assert.ThrowsAsync<ArgumentException>(() => client.PutLogEventsAsync("g", "s", []));

        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task PutLogEvents_RejectedInfo_IsReturned()
    {
        _handler.Respond(HttpStatusCode.OK, "{\"nextSequenceToken\":\"4960\",\"rejectedLogEventsInfo\":{\"tooOldLogEventEndIndex\":1,\"tooNewLogEventStartIndex\":3}}");
        using CloudWatchLogsClient client = CreateClient();
        DateTimeOffset now = _clock.GetUtcNow();

        PutLogEventsResponse response = await client.PutLogEventsAsync("g", "s", Enumerable.Range(0, 4).Select(i => new InputLogEvent(now, "m" + i)).ToArray());

        Assert.NotNull(response.RejectedLogEventsInfo);
        Assert.Equal(1, response.RejectedLogEventsInfo.TooOldLogEventEndIndex);
        Assert.Equal(3, response.RejectedLogEventsInfo.TooNewLogEventStartIndex);
        Assert.Null(response.RejectedLogEventsInfo.ExpiredLogEventEndIndex);
        Assert.Equal(2, response.RejectedLogEventsInfo.CountRejected(4));
    }

    [Theory]
    [InlineData(null, null, 4, 0)]
    [InlineData(1, null, 4, 1)]    // one too old: the end index is exclusive
    [InlineData(null, 3, 4, 1)]    // the start index is inclusive
    [InlineData(2, 2, 4, 4)]       // everything refused
    [InlineData(3, 1, 4, 4)]       // overlapping indices never count an event twice
    public void CountRejected_IndexSemantics(int? tooOldEnd, int? tooNewStart, int count, int expected) =>
        Assert.Equal(expected, new RejectedLogEventsInfo { TooOldLogEventEndIndex = tooOldEnd, TooNewLogEventStartIndex = tooNewStart }.CountRejected(count));

    [Fact]
    public void CountRejected_Expired_CountsLikeTooOld() =>
        Assert.Equal(2, new RejectedLogEventsInfo { ExpiredLogEventEndIndex = 2, TooOldLogEventEndIndex = 1 }.CountRejected(5));

    [Fact]
    public async Task CreateLogGroup_EmptyTags_AreLeftOut()
    {
        using CloudWatchLogsClient client = CreateClient();

        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "g", Tags = new Dictionary<string, string>() });
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "h", Tags = new Dictionary<string, string> { ["team"] = "ops" }, KmsKeyId = "arn:aws:kms:eu-west-1:1:key/k", LogGroupClass = "INFREQUENT_ACCESS" });

        Assert.Equal(
            ["{\"logGroupName\":\"g\"}", "{\"logGroupName\":\"h\",\"kmsKeyId\":\"arn:aws:kms:eu-west-1:1:key/k\",\"tags\":{\"team\":\"ops\"},\"logGroupClass\":\"INFREQUENT_ACCESS\"}"],
            _handler.Requests.Select(r => r.BodyText).ToArray());
    }

    [Fact]
    public async Task TransientErrors_AreRetriedWithBackoffOnTheClock()
    {
        _handler.RespondError(HttpStatusCode.ServiceUnavailable, "ServiceUnavailableException", "down")
            .RespondError(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded");
        var sentAt = new List<DateTimeOffset>();
        using CloudWatchLogsClient client = CreateClient();

        Task call = client.DeleteLogGroupAsync("g");
        await _clock.AdvanceUntilAsync(() => call.IsCompleted, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        await call;

        Assert.Equal(3, _handler.Requests.Count);
        // With jitter fixed at its top the waits are the ceilings: 1 s, then 2 s.
        Assert.InRange(_clock.GetUtcNow() - FakeClock.At2026().GetUtcNow(), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3.1));
        Assert.Equal(
            ["20261123T100000Z", "20261123T100001Z", "20261123T100003Z"],
            _handler.Requests.Select(r => r.Header("X-Amz-Date")).ToArray());
    }

    [Fact]
    public async Task RetryableError_AfterLastAttempt_IsThrownClassified()
    {
        _handler.RespondError(HttpStatusCode.BadRequest, "ThrottlingException", "Rate exceeded");
        using CloudWatchLogsClient client = CreateClient(maxAttempts: 1);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal(CloudWatchErrorKind.Throttling, error.Kind);
        Assert.Equal("req-ThrottlingException", error.RequestId);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task NonRetryableError_IsThrownAtOnce()
    {
        _handler.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException", "The specified log stream does not exist.");
        using CloudWatchLogsClient client = CreateClient();

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutLogEventsAsync("g", "s", [new InputLogEvent(_clock.GetUtcNow(), "m")]));

        Assert.Equal(CloudWatchErrorKind.ResourceNotFound, error.Kind);
        Assert.Single(_handler.Requests);
    }

    [Fact]
    public async Task ClockSkewError_CorrectsSigningClockFromDateHeaderAndResends()
    {
        DateTimeOffset serverNow = _clock.GetUtcNow().AddMinutes(17);
        _handler.RespondError(
            HttpStatusCode.BadRequest,
            "InvalidSignatureException",
            "Signature expired: 20261123T100000Z is now earlier than 20261123T101200Z (20261123T101700Z - 5 min.)",
            response => response.Headers.Date = serverNow);
        using CloudWatchLogsClient client = CreateClient(maxAttempts: 1);

        await client.DeleteLogGroupAsync("g");

        Assert.Equal(["20261123T100000Z", "20261123T101700Z"], _handler.Requests.Select(r => r.Header("X-Amz-Date")).ToArray());
        Assert.Equal(TimeSpan.FromMinutes(17), client.ClockCorrection);

        await client.DeleteLogGroupAsync("h");
        Assert.Equal("20261123T101700Z", _handler.Requests.Last().Header("X-Amz-Date"));
    }

    [Fact]
    public async Task ClockSkewError_Twice_IsThrown()
    {
        for (int i = 0; i < 2; i++)
        {
            _handler.RespondError(HttpStatusCode.BadRequest, "InvalidSignatureException", "Signature expired: now earlier", response => response.Headers.Date = _clock.GetUtcNow().AddHours(1));
        }

        using CloudWatchLogsClient client = CreateClient();

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal(CloudWatchErrorKind.AccessDenied, error.Kind);
        Assert.Equal(2, _handler.Requests.Count);
    }

    [Fact]
    public async Task HungResponse_TimesOutOnTheClock_AsAmbiguousTransientError()
    {
        _handler.Hang();
        using CloudWatchLogsClient client = CreateClient(maxAttempts: 1, requestTimeout: TimeSpan.FromSeconds(10));

        Task call = client.DeleteLogGroupAsync("g");
        await _clock.AdvanceUntilAsync(() => call.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => call);
        Assert.Equal("RequestTimeout", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.Transient, error.Kind);
        Assert.True(error.MayHaveBeenProcessed);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task CallerCancellation_IsNotTurnedIntoAnError()
    {
        _handler.Hang();
        using CloudWatchLogsClient client = CreateClient();
        using var cancellation = new CancellationTokenSource();

        Task call = client.DeleteLogGroupAsync("g", cancellation.Token);
        await _handler.WaitForRequestsAsync(1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task RefusedConnection_IsTransientAndNeverReachedService()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var client = new CloudWatchLogsClient(
            new CloudWatchLogsClientOptions { Region = "us-east-1", ServiceUrl = $"http://127.0.0.1:{closedPort}", Credentials = new BasicAWSCredentials(AccessKey, SecretKey), MaxAttempts = 1 });

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal("NetworkError", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.Transient, error.Kind);
        Assert.False(error.MayHaveBeenProcessed);
    }

    [Theory]
    [InlineData(System.Net.Sockets.SocketError.NotConnected, true)]
    [InlineData(System.Net.Sockets.SocketError.ConnectionReset, true)]
    [InlineData(System.Net.Sockets.SocketError.ConnectionRefused, false)]
    public async Task BareSocketException_IsATransientNetworkError(System.Net.Sockets.SocketError code, bool mayHaveBeenProcessed)
    {
        // SocketsHttpHandler sometimes lets one through unwrapped when a connection is reset at the wrong moment.
        _handler.Throw(new System.Net.Sockets.SocketException((int)code));
        using CloudWatchLogsClient client = CreateClient(maxAttempts: 1);

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal("NetworkError", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.Transient, error.Kind);
        Assert.Equal(mayHaveBeenProcessed, error.MayHaveBeenProcessed);
    }

    [Fact]
    public async Task UnreadableResponse_IsReportedAsInvalidResponse()
    {
        _handler.Respond(HttpStatusCode.OK, "{\"logGroups\": 12}");
        using CloudWatchLogsClient client = CreateClient();

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogGroupsAsync());

        Assert.Equal("InvalidResponse", error.ErrorCode);
    }

    [Fact]
    public async Task FailingCredentials_GiveMissingCredentialsErrorNamingTheFix()
    {
        using CloudWatchLogsClient client = CreateClient(new FailingCredentials());

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DeleteLogGroupAsync("g"));

        Assert.Equal("MissingCredentials", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.AccessDenied, error.Kind);
        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Errors_OfEveryKind_NeverContainSecrets()
    {
        var errors = new List<Exception>();
        var credentials = new SessionAWSCredentials(AccessKey, SecretKey, SessionToken);

        _handler.RespondError(HttpStatusCode.BadRequest, "InvalidSignatureException", "The request signature we calculated does not match.");
        _handler.Respond(HttpStatusCode.BadGateway, "<html>proxy error</html>");
        _handler.Throw(new HttpRequestException("The response ended prematurely."));
        _handler.Hang();
        _handler.Respond(HttpStatusCode.OK, "not json");
        using (CloudWatchLogsClient client = CreateClient(credentials, maxAttempts: 1, requestTimeout: TimeSpan.FromSeconds(5)))
        {
            for (int i = 0; i < 5; i++)
            {
                Task call = client.DescribeLogGroupsAsync();
                await _clock.AdvanceUntilAsync(() => call.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
                errors.Add(await Assert.ThrowsAsync<CloudWatchLogsException>(() => call));
            }
        }

        using (CloudWatchLogsClient failing = CreateClient(new FailingCredentials()))
        {
            errors.Add(await Assert.ThrowsAsync<CloudWatchLogsException>(() => failing.DescribeLogGroupsAsync()));
        }

        Assert.Equal(6, errors.Count);
        foreach (Exception error in errors)
        {
            string text = error.ToString();
            Assert.DoesNotContain(SecretKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(SessionToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Signature=", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Authorization", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task EnumerateLogEvents_Forward_StopsWhenTokenRepeats()
    {
        _handler.Respond(HttpStatusCode.OK, "{\"events\":[{\"timestamp\":1,\"message\":\"a\",\"ingestionTime\":5}],\"nextForwardToken\":\"f/1\",\"nextBackwardToken\":\"b/0\"}")
            .Respond(HttpStatusCode.OK, "{\"events\":[],\"nextForwardToken\":\"f/2\",\"nextBackwardToken\":\"b/1\"}")
            .Respond(HttpStatusCode.OK, "{\"events\":[{\"timestamp\":2,\"message\":\"b\"}],\"nextForwardToken\":\"f/3\",\"nextBackwardToken\":\"b/2\"}")
            .Respond(HttpStatusCode.OK, "{\"events\":[],\"nextForwardToken\":\"f/3\",\"nextBackwardToken\":\"b/3\"}");
        using CloudWatchLogsClient client = CreateClient();

        var messages = new List<string>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = "g", LogStreamName = "s", StartFromHead = true }))
        {
            messages.Add(e.Message);
        }

        Assert.Equal(["a", "b"], messages);
        Assert.Equal(4, _handler.Requests.Count);
        Assert.Equal(
            "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"nextToken\":\"f/3\",\"startFromHead\":true}",
            _handler.Requests.Last().BodyText);
    }

    [Fact]
    public async Task EnumerateLogGroups_FollowsNextTokenUntilAbsent()
    {
        _handler.Respond(HttpStatusCode.OK, "{\"logGroups\":[{\"logGroupName\":\"a\",\"creationTime\":1700000000000,\"retentionInDays\":7}],\"nextToken\":\"t1\"}")
            .Respond(HttpStatusCode.OK, "{\"logGroups\":[{\"logGroupName\":\"b\"}]}");
        using CloudWatchLogsClient client = CreateClient();

        var groups = new List<LogGroup>();
        await foreach (LogGroup group in client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "x", Limit = 1 }))
        {
            groups.Add(group);
        }

        Assert.Equal(["a", "b"], groups.Select(g => g.LogGroupName).ToArray());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), groups[0].CreationTime);
        Assert.Equal(7, groups[0].RetentionInDays);
        Assert.Equal(
            ["{\"logGroupNamePrefix\":\"x\",\"limit\":1}", "{\"logGroupNamePrefix\":\"x\",\"limit\":1,\"nextToken\":\"t1\"}"],
            _handler.Requests.Select(r => r.BodyText).ToArray());
    }

    [Fact]
    public async Task EnumerateFilteredLogEvents_RepeatedToken_EndsInsteadOfLooping()
    {
        _handler.Respond(HttpStatusCode.OK, "{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":1,\"message\":\"a\",\"eventId\":\"1\"}],\"nextToken\":\"t\"}")
            .Respond(HttpStatusCode.OK, "{\"events\":[{\"logStreamName\":\"s\",\"timestamp\":2,\"message\":\"b\",\"eventId\":\"2\"}],\"nextToken\":\"t\"}");
        using CloudWatchLogsClient client = CreateClient();

        var events = new List<FilteredLogEvent>();
        await foreach (FilteredLogEvent e in client.EnumerateFilteredLogEventsAsync(new FilterLogEventsRequest { LogGroupName = "g" }))
        {
            events.Add(e);
        }

        Assert.Equal(["a", "b"], events.Select(e => e.Message).ToArray());
    }

    [Fact]
    public void Constructor_CredentialsAndProfile_AreExclusive()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            Region = "us-east-1",
            ProfileName = "dev",
            Credentials = new BasicAWSCredentials("a", "b"),
        }));

        Assert.Contains("set only one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidMaxAttempts_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CloudWatchLogsClient(new CloudWatchLogsClientOptions { Region = "us-east-1", MaxAttempts = 0, Credentials = new BasicAWSCredentials("a", "b") }));

    private sealed class RotatingCredentials : AWSCredentials
    {
        private int _calls;

        public override ImmutableCredentials GetCredentials()
        {
            int call = Interlocked.Increment(ref _calls);
            return new ImmutableCredentials("AKIAROTATING" + call, "secret-" + call, null);
        }
    }

    private sealed class FailingCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("The SSO token has expired.");

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromException<ImmutableCredentials>(new AmazonClientException("The SSO token has expired."));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>
/// A small, exact client for the Amazon CloudWatch Logs operations a log shipper needs, speaking the
/// service's awsJson1.1 protocol over <see cref="HttpClient"/> with Signature Version 4.
/// Region, credentials and endpoint are resolved as the AWS SDKs resolve them; throttling and transient
/// failures are retried in the SDKs' standard mode; every failure surfaces as a
/// <see cref="CloudWatchLogsException"/> whose <see cref="CloudWatchLogsException.Kind"/> says what to do.
/// </summary>
/// <remarks>Thread-safe: one instance serves concurrent calls and reuses its connections. Dispose it when done.</remarks>
public sealed class CloudWatchLogsClient : IDisposable
{
    private const string TargetPrefix = "Logs_20140328.";
    private const string ServiceName = "logs";
    private const string RequestIdHeader = "x-amzn-RequestId";
    private const string ErrorTypeHeader = "X-Amzn-Errortype";

    private static readonly MediaTypeHeaderValue s_contentType = new("application/x-amz-json-1.1");
    private static readonly string s_userAgent =
        "watchtower-dotnet/" + (typeof(CloudWatchLogsClient).Assembly.GetName().Version?.ToString(3) ?? "0");

    // Relaxed escaping sends non-ASCII text as UTF-8 bytes rather than \u escapes: exact and compact.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly CredentialSource _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _requestTimeout;
    private readonly string _host;
    private long _clockCorrectionTicks;

    /// <summary>Creates a client that takes region, credentials and endpoint from the environment, as the AWS SDKs do.</summary>
    public CloudWatchLogsClient()
        : this(new CloudWatchLogsClientOptions())
    {
    }

    /// <summary>Creates a client from options.</summary>
    /// <param name="options">Region, endpoint, credentials and timeouts; null members are resolved from the environment.</param>
    /// <exception cref="InvalidOperationException">No region could be found, the profile does not exist, or the options contradict each other.</exception>
    public CloudWatchLogsClient(CloudWatchLogsClientOptions options)
        : this(options, handler: null)
    {
    }

    /// <summary>Creates a client that sends its requests through the given handler (a proxy, a test double, a custom TLS setup).</summary>
    /// <param name="options">Region, endpoint, credentials and timeouts; null members are resolved from the environment.</param>
    /// <param name="handler">The HTTP pipeline to use; the caller keeps ownership of it. Null for the client's own.</param>
    /// <exception cref="InvalidOperationException">No region could be found, the profile does not exist, or the options contradict each other.</exception>
    public CloudWatchLogsClient(CloudWatchLogsClientOptions options, HttpMessageHandler? handler)
        : this(options, handler, TimeProvider.System, AwsEnvironment.ProcessEnvironment)
    {
    }

    internal CloudWatchLogsClient(
        CloudWatchLogsClientOptions options,
        HttpMessageHandler? handler,
        TimeProvider timeProvider,
        Func<string, string?> environment,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options.MaxAttempts));
        if (options.RequestTimeout <= TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        _credentials = CredentialSource.Create(options);
        Region = AwsEnvironment.ResolveRegion(options);
        ServiceUrl = AwsEnvironment.ResolveEndpoint(Region, options.ServiceUrl, options.UseFipsEndpoint, options.UseDualStackEndpoint, environment);
        _host = ServiceUrl.IsDefaultPort ? ServiceUrl.IdnHost : $"{ServiceUrl.IdnHost}:{ServiceUrl.Port}";
        _signer = new SigV4Signer(Region, ServiceName);
        _timeProvider = timeProvider;
        _requestTimeout = options.RequestTimeout;
        RetryPolicy = new RetryPolicy(timeProvider, options.MaxAttempts, random: random);
        _http = handler is null
            ? new HttpClient(CreateDefaultHandler(), disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan; // each attempt has its own timeout, on the client's clock
    }

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; }

    /// <summary>The endpoint requests are sent to.</summary>
    public Uri ServiceUrl { get; }

    /// <summary>How far the service's clock is ahead of ours, learnt from a clock-skew error; zero until one happens.</summary>
    internal TimeSpan ClockCorrection => TimeSpan.FromTicks(Interlocked.Read(ref _clockCorrectionTicks));

    internal RetryPolicy RetryPolicy { get; }

    /// <summary>Creates a log group (CreateLogGroup).</summary>
    /// <param name="request">The group's name and its optional tags, KMS key and class.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudWatchLogsException">The call failed; an existing group gives <see cref="CloudWatchErrorKind.ResourceAlreadyExists"/>.</exception>
    public async Task CreateLogGroupAsync(CreateLogGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.LogGroupName, nameof(request.LogGroupName));
        // The service takes 1 to 50 tags: an empty map must be left out, not sent.
        CreateLogGroupRequest body = request.Tags is { Count: 0 }
            ? new CreateLogGroupRequest { LogGroupName = request.LogGroupName, KmsKeyId = request.KmsKeyId, LogGroupClass = request.LogGroupClass }
            : request;
        await SendAsync("CreateLogGroup", Serialize(body, CloudWatchJsonContext.Default.CreateLogGroupRequest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a log stream in an existing group (CreateLogStream).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="logStreamName">The stream: 1 to 512 characters, without ':' or '*'.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="CloudWatchLogsException">The call failed; an existing stream gives <see cref="CloudWatchErrorKind.ResourceAlreadyExists"/>, a missing group <see cref="CloudWatchErrorKind.ResourceNotFound"/>.</exception>
    public async Task CreateLogStreamAsync(string logGroupName, string logStreamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        ArgumentException.ThrowIfNullOrEmpty(logStreamName);
        await SendAsync("CreateLogStream", Serialize(new LogStreamBody(logGroupName, logStreamName), CloudWatchJsonContext.Default.LogStreamBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a batch of events to a stream (PutLogEvents).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="logStreamName">The stream.</param>
    /// <param name="logEvents">1 to 10,000 events in non-decreasing timestamp order, spanning at most 24 hours, whose UTF-8 bytes plus 26 per event total at most 1,048,576.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Which events, if any, the service refused as too old or too new.</returns>
    /// <exception cref="CloudWatchLogsException">The call failed; a missing group or stream gives <see cref="CloudWatchErrorKind.ResourceNotFound"/>.</exception>
    public Task<PutLogEventsResponse> PutLogEventsAsync(
        string logGroupName,
        string logStreamName,
        IReadOnlyList<InputLogEvent> logEvents,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        ArgumentException.ThrowIfNullOrEmpty(logStreamName);
        ArgumentNullException.ThrowIfNull(logEvents);
        if (logEvents.Count == 0)
        {
            throw new ArgumentException("PutLogEvents needs at least one event.", nameof(logEvents));
        }

        return InvokeAsync("PutLogEvents", PutLogEventsBody.Write(logGroupName, logStreamName, logEvents), CloudWatchJsonContext.Default.PutLogEventsResponse, cancellationToken);
    }

    /// <summary>
    /// One PutLogEvents attempt for the shipping engine, which schedules its own retries (bounded by time, with other
    /// streams sending meanwhile): no retry here, but a clock-skew refusal is still corrected and sent again.
    /// </summary>
    internal Task<PutLogEventsResponse> PutLogEventsOnceAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        InvokeAsync("PutLogEvents", body, CloudWatchJsonContext.Default.PutLogEventsResponse, cancellationToken, retry: false);

    /// <summary>Sets how many days a group keeps its events (PutRetentionPolicy).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="retentionInDays">One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task PutRetentionPolicyAsync(string logGroupName, int retentionInDays, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        await SendAsync("PutRetentionPolicy", Serialize(new RetentionBody(logGroupName, retentionInDays), CloudWatchJsonContext.Default.RetentionBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes a group keep its events forever (DeleteRetentionPolicy).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteRetentionPolicyAsync(string logGroupName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        await SendAsync("DeleteRetentionPolicy", Serialize(new LogGroupNameBody(logGroupName), CloudWatchJsonContext.Default.LogGroupNameBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds or overwrites tags on a resource (TagResource); other tags are kept.</summary>
    /// <param name="resourceArn">For a log group, <c>arn:{partition}:logs:{region}:{account}:log-group:{name}</c>, without a trailing <c>:*</c>.</param>
    /// <param name="tags">1 to 50 tags.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceArn);
        ArgumentNullException.ThrowIfNull(tags);
        await SendAsync("TagResource", Serialize(new TagResourceBody(resourceArn, tags), CloudWatchJsonContext.Default.TagResourceBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a resource's tags (ListTagsForResource).</summary>
    /// <param name="resourceArn">The resource's ARN, as for <see cref="TagResourceAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tags, empty when there are none.</returns>
    public async Task<IReadOnlyDictionary<string, string>> ListTagsForResourceAsync(string resourceArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceArn);
        ListTagsResponseBody response = await InvokeAsync(
            "ListTagsForResource",
            Serialize(new ResourceArnBody(resourceArn), CloudWatchJsonContext.Default.ResourceArnBody),
            CloudWatchJsonContext.Default.ListTagsResponseBody,
            cancellationToken).ConfigureAwait(false);
        return response.Tags ?? new Dictionary<string, string>();
    }

    /// <summary>Reads one page of log groups (DescribeLogGroups).</summary>
    /// <param name="request">Filters and paging; null for the first page of all groups.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest? request = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(
            "DescribeLogGroups",
            Serialize(request ?? new DescribeLogGroupsRequest(), CloudWatchJsonContext.Default.DescribeLogGroupsRequest),
            CloudWatchJsonContext.Default.DescribeLogGroupsResponse,
            cancellationToken);

    /// <summary>Reads every log group that matches, page after page.</summary>
    /// <param name="request">Filters; its <see cref="DescribeLogGroupsRequest.NextToken"/> is where to start. Not modified.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public IAsyncEnumerable<LogGroup> EnumerateLogGroupsAsync(DescribeLogGroupsRequest? request = null, CancellationToken cancellationToken = default)
    {
        DescribeLogGroupsRequest first = request ?? new DescribeLogGroupsRequest();
        return Pages.ReadAllAsync(first.NextToken, (token, c) => DescribeLogGroupsAsync(first.WithNextToken(token), c), r => r.LogGroups, r => r.NextToken, cancellationToken);
    }

    /// <summary>Reads one page of log streams (DescribeLogStreams).</summary>
    /// <param name="request">The group, filters and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync(
            "DescribeLogStreams",
            Serialize(request, CloudWatchJsonContext.Default.DescribeLogStreamsRequest),
            CloudWatchJsonContext.Default.DescribeLogStreamsResponse,
            cancellationToken);
    }

    /// <summary>Reads every log stream of a group that matches, page after page.</summary>
    /// <param name="request">The group and filters; its <see cref="DescribeLogStreamsRequest.NextToken"/> is where to start. Not modified.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public IAsyncEnumerable<LogStream> EnumerateLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Pages.ReadAllAsync(request.NextToken, (token, c) => DescribeLogStreamsAsync(request.WithNextToken(token), c), r => r.LogStreams, r => r.NextToken, cancellationToken);
    }

    /// <summary>Reads one page of a stream's events (GetLogEvents).</summary>
    /// <param name="request">The group, stream, time range, direction and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync(
            "GetLogEvents",
            Serialize(request, CloudWatchJsonContext.Default.GetLogEventsRequest),
            CloudWatchJsonContext.Default.GetLogEventsResponse,
            cancellationToken);
    }

    /// <summary>
    /// Reads a stream's events page after page in the request's direction: with
    /// <see cref="GetLogEventsRequest.StartFromHead"/> true, oldest first following forward tokens; otherwise
    /// newest page first following backward tokens. It stops when the service returns the token it was sent,
    /// which is how GetLogEvents marks the end (pages may be empty before then).
    /// </summary>
    /// <param name="request">The group, stream, time range and direction. Not modified.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public IAsyncEnumerable<OutputLogEvent> EnumerateLogEventsAsync(GetLogEventsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool forward = request.StartFromHead == true;
        return Pages.ReadAllAsync(
            request.NextToken,
            (token, c) => GetLogEventsAsync(request.WithNextToken(token), c),
            r => r.Events,
            r => forward ? r.NextForwardToken : r.NextBackwardToken,
            cancellationToken);
    }

    /// <summary>Reads one page of matching events across a group's streams (FilterLogEvents).</summary>
    /// <param name="request">The group, streams, pattern, time range and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<FilterLogEventsResponse> FilterLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvokeAsync(
            "FilterLogEvents",
            Serialize(request, CloudWatchJsonContext.Default.FilterLogEventsRequest),
            CloudWatchJsonContext.Default.FilterLogEventsResponse,
            cancellationToken);
    }

    /// <summary>Reads every matching event across a group's streams, page after page, until the service returns no token.</summary>
    /// <param name="request">The group, streams, pattern and time range. Not modified.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public IAsyncEnumerable<FilteredLogEvent> EnumerateFilteredLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Pages.ReadAllAsync(request.NextToken, (token, c) => FilterLogEventsAsync(request.WithNextToken(token), c), r => r.Events, r => r.NextToken, cancellationToken);
    }

    /// <summary>Starts a Logs Insights query (StartQuery); read its rows with <see cref="GetQueryResultsAsync"/>.</summary>
    /// <param name="request">The groups, the time range and the query.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The query's id.</returns>
    /// <exception cref="CloudWatchLogsException">The call failed: a malformed query gives <see cref="CloudWatchErrorKind.InvalidParameter"/> (code <c>MalformedQueryException</c>).</exception>
    public async Task<string> StartQueryAsync(StartQueryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.QueryString, nameof(request.QueryString));
        StartQueryResponse response = await InvokeAsync(
            "StartQuery",
            Serialize(request, CloudWatchJsonContext.Default.StartQueryRequest),
            CloudWatchJsonContext.Default.StartQueryResponse,
            cancellationToken).ConfigureAwait(false);
        return response.QueryId;
    }

    /// <summary>Reads a query's state and the rows found so far (GetQueryResults).</summary>
    /// <param name="queryId">The id <see cref="StartQueryAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<GetQueryResultsResponse> GetQueryResultsAsync(string queryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queryId);
        return InvokeAsync(
            "GetQueryResults",
            Serialize(new QueryIdBody(queryId), CloudWatchJsonContext.Default.QueryIdBody),
            CloudWatchJsonContext.Default.GetQueryResultsResponse,
            cancellationToken);
    }

    /// <summary>Stops a running query (StopQuery), so that it reads (and costs) no more.</summary>
    /// <param name="queryId">The id <see cref="StartQueryAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether a running query was stopped (false when it had already finished).</returns>
    public async Task<bool> StopQueryAsync(string queryId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queryId);
        StopQueryResponseBody response = await InvokeAsync(
            "StopQuery",
            Serialize(new QueryIdBody(queryId), CloudWatchJsonContext.Default.QueryIdBody),
            CloudWatchJsonContext.Default.StopQueryResponseBody,
            cancellationToken).ConfigureAwait(false);
        return response.Success;
    }

    /// <summary>Deletes a log group and all its streams and events (DeleteLogGroup).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteLogGroupAsync(string logGroupName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        await SendAsync("DeleteLogGroup", Serialize(new LogGroupNameBody(logGroupName), CloudWatchJsonContext.Default.LogGroupNameBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a log stream and its events (DeleteLogStream).</summary>
    /// <param name="logGroupName">The group.</param>
    /// <param name="logStreamName">The stream.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task DeleteLogStreamAsync(string logGroupName, string logStreamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(logGroupName);
        ArgumentException.ThrowIfNullOrEmpty(logStreamName);
        await SendAsync("DeleteLogStream", Serialize(new LogStreamBody(logGroupName, logStreamName), CloudWatchJsonContext.Default.LogStreamBody), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the client's connections.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _credentials.Dispose();
    }

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    // A token that repeats would page forever; treat it as the end.
    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        // Re-resolve DNS now and then: endpoints move behind their names.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
    };

    private async Task<T> InvokeAsync<T>(string operation, ReadOnlyMemory<byte> body, JsonTypeInfo<T> responseType, CancellationToken cancellationToken, bool retry = true)
        where T : class, new()
    {
        byte[] responseBody = await SendAsync(operation, body, cancellationToken, retry).ConfigureAwait(false);
        if (responseBody.Length == 0)
        {
            return new T();
        }

        try
        {
            return JsonSerializer.Deserialize(responseBody, responseType) ?? new T();
        }
        catch (JsonException e)
        {
            throw new CloudWatchLogsException(
                operation, "InvalidResponse", $"The response could not be read as {typeof(T).Name}: {e.Message}",
                CloudWatchErrorKind.Other, HttpStatusCode.OK, requestId: null, innerException: e);
        }
    }

    /// <summary>
    /// Sends one call: signs and sends, corrects the signing clock once on a clock-skew error, and
    /// retries throttling and transient errors as the retry policy says (unless <paramref name="retry"/> is false).
    /// The body is hashed once.
    /// </summary>
    private async Task<byte[]> SendAsync(string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken, bool retry = true)
    {
        string payloadHash = SigV4Signer.HashPayload(body.Span);
        long started = _timeProvider.GetTimestamp();
        bool clockCorrected = false;
        for (int attempt = 1; ; attempt++)
        {
            AttemptResult result = await SendOnceAsync(operation, body, payloadHash, cancellationToken).ConfigureAwait(false);
            if (result.Error is null)
            {
                RetryPolicy.OnSuccess(attempt);
                return result.Body!;
            }

            CloudWatchLogsException error = result.Error;
            if (!clockCorrected && CloudWatchErrorParser.IsClockSkewError(error) && TryCorrectClock(result.ServerDate))
            {
                // Re-signing with the corrected clock is not a retry of a failed delivery: send again at once.
                clockCorrected = true;
                attempt--;
                continue;
            }

            if (!retry || !RetryPolicy.TryGetRetryDelay(attempt, error, _timeProvider.GetElapsedTime(started), out TimeSpan delay))
            {
                throw error;
            }

            await RetryPolicy.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryCorrectClock(DateTimeOffset? serverDate)
    {
        if (serverDate is not { } server)
        {
            return false;
        }

        TimeSpan correction = server - _timeProvider.GetUtcNow();
        Interlocked.Exchange(ref _clockCorrectionTicks, correction.Ticks);
        return true;
    }

    private async Task<AttemptResult> SendOnceAsync(string operation, ReadOnlyMemory<byte> body, string payloadHash, CancellationToken cancellationToken)
    {
        SigningCredentials credentials;
        try
        {
            credentials = await _credentials.GetAsync(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (CloudWatchLogsException e)
        {
            return new AttemptResult(null, e, null);
        }

        using HttpRequestMessage request = CreateSignedRequest(operation, body, payloadHash, credentials);
        using var timeout = _requestTimeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(_requestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        bool sent = false;
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            sent = true;
            int limit = response.IsSuccessStatusCode ? ResponseLimits.For(operation) : ResponseLimits.Error;
            byte[]? responseBody = await ResponseLimits.ReadAsync(response.Content, limit, linked.Token).ConfigureAwait(false);
            if (responseBody is null)
            {
                // Not an answer from CloudWatch Logs (a wrong endpoint, a proxy's error page): never read it whole.
                return new AttemptResult(null, new CloudWatchLogsException(
                    operation, "InvalidResponse", $"The response (HTTP {(int)response.StatusCode}) is larger than {limit / 1024} KiB, which no {operation} answer is; check ServiceUrl and any proxy in between.",
                    CloudWatchErrorKind.Other, response.StatusCode, FirstHeader(response, RequestIdHeader)), null);
            }

            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(responseBody, null, null);
            }

            CloudWatchLogsException error = CloudWatchErrorParser.Parse(
                operation,
                response.StatusCode,
                FirstHeader(response, ErrorTypeHeader),
                FirstHeader(response, RequestIdHeader),
                responseBody,
                credentials);
            return new AttemptResult(null, error, response.Headers.Date);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(null, new CloudWatchLogsException(
                operation, "RequestTimeout", $"No complete response within {_requestTimeout.TotalSeconds:0.###} s.",
                CloudWatchErrorKind.Transient, statusCode: null, requestId: null, mayHaveBeenProcessed: true), null);
        }
        catch (HttpRequestException e)
        {
            // A refused connection or a failed name lookup never reached the service; anything later may have.
            bool neverSent = !sent && e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            return new AttemptResult(null, new CloudWatchLogsException(
                operation, "NetworkError", e.Message, CloudWatchErrorKind.Transient, statusCode: null, requestId: null,
                mayHaveBeenProcessed: !neverSent, innerException: e), null);
        }
        catch (IOException e)
        {
            return new AttemptResult(null, new CloudWatchLogsException(
                operation, "NetworkError", e.Message, CloudWatchErrorKind.Transient, statusCode: null, requestId: null,
                mayHaveBeenProcessed: true, innerException: e), null);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // SocketsHttpHandler usually wraps socket errors, but not always: a connection reset at the wrong moment can
            // surface as a bare "Transport endpoint is not connected". It is a network error like any other.
            bool neverSent = !sent && e.SocketErrorCode is System.Net.Sockets.SocketError.ConnectionRefused
                or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.HostUnreachable
                or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.TryAgain;
            return new AttemptResult(null, new CloudWatchLogsException(
                operation, "NetworkError", e.Message, CloudWatchErrorKind.Transient, statusCode: null, requestId: null,
                mayHaveBeenProcessed: !neverSent, innerException: e), null);
        }
    }

    private HttpRequestMessage CreateSignedRequest(string operation, ReadOnlyMemory<byte> body, string payloadHash, SigningCredentials credentials)
    {
        DateTimeOffset signedAt = _timeProvider.GetUtcNow() + ClockCorrection;
        string amzDate = SigV4Signer.FormatAmzDate(signedAt);
        string target = TargetPrefix + operation;

        var signedHeaders = new List<KeyValuePair<string, string>>(5)
        {
            new("content-type", s_contentType.MediaType!),
            new("host", _host),
            new(SigV4Signer.DateHeader, amzDate),
            new("x-amz-target", target),
        };
        if (credentials.SessionToken is not null)
        {
            signedHeaders.Add(new(SigV4Signer.SecurityTokenHeader, credentials.SessionToken));
        }

        SigV4Result signature = _signer.Sign("POST", ServiceUrl.AbsolutePath, string.Empty, signedHeaders, payloadHash, signedAt, credentials);

        var request = new HttpRequestMessage(HttpMethod.Post, ServiceUrl)
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = HttpVersion.Version11,
        };
        request.Content.Headers.ContentType = s_contentType;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.SessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
        return request;
    }

    private static string? FirstHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private readonly record struct AttemptResult(byte[]? Body, CloudWatchLogsException? Error, DateTimeOffset? ServerDate);
}

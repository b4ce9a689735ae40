using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Watchtower.Tests.Support;

/// <summary>
/// An in-memory CloudWatch Logs that enforces the service contract moto does not: batch bytes (UTF-8 + 26 per
/// event), event count, event size, chronological order, the 24-hour span, empty messages, name rules and the
/// retention set, with AWS's error shapes and index rules for rejected events. Time comes from the test's clock.
/// </summary>
internal sealed partial class StrictCloudWatchFake : HttpMessageHandler
{
    private readonly TimeProvider _clock;
    private readonly object _lock = new();
    private readonly Dictionary<string, GroupState> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Func<string, JsonObject, HttpResponseMessage?>> _interceptors = new();

    public StrictCloudWatchFake(TimeProvider clock, int maxEventSize = 1_048_576)
    {
        _clock = clock;
        MaxEventSize = maxEventSize;
    }

    public int MaxEventSize { get; }

    /// <summary>Every accepted PutLogEvents batch, in the order they arrived.</summary>
    public ConcurrentQueue<(string Group, string Stream, IReadOnlyList<(long Timestamp, string Message)> Events)> Batches { get; } = new();

    /// <summary>Every request's operation name, in order.</summary>
    public ConcurrentQueue<string> Operations { get; } = new();

    /// <summary>Every error this fake returned, so that a test can prove the client never broke a rule.</summary>
    public ConcurrentQueue<string> ContractViolations { get; } = new();

    public int PutCount => Operations.Count(o => o == "PutLogEvents");

    /// <summary>When set, each PutLogEvents waits for this gate to open before it is answered.</summary>
    public TaskCompletionSource? PutGate { get; set; }

    /// <summary>When set, PutLogEvents never answers (until the request is cancelled), as a hung endpoint.</summary>
    public bool HangPuts { get; set; }

    /// <summary>Whether each request arrived on the library's sender path (where adapters must not log).</summary>
    public ConcurrentQueue<bool> SenderScopeSeen { get; } = new();

    /// <summary>Logs Insights queries started, by id, and whether each is still running (they run until stopped).</summary>
    public ConcurrentDictionary<string, bool> RunningQueries { get; } = new(StringComparer.Ordinal);

    public static string AccountId => "123456789012";

    /// <summary>Lets a test answer the next request(s) itself; returning null passes the request through.</summary>
    public void Intercept(Func<string, JsonObject, HttpResponseMessage?> interceptor) => _interceptors.Enqueue(interceptor);

    public void CreateGroup(string name, int? retention = null)
    {
        lock (_lock)
        {
            _groups[name] = new GroupState { Retention = retention };
        }
    }

    public void CreateStream(string group, string stream)
    {
        lock (_lock)
        {
            _groups[group].Streams.TryAdd(stream, []);
        }
    }

    public void DeleteGroup(string name)
    {
        lock (_lock)
        {
            _groups.Remove(name);
        }
    }

    public void DeleteStream(string group, string stream)
    {
        lock (_lock)
        {
            _groups[group].Streams.Remove(stream);
        }
    }

    public bool GroupExists(string name)
    {
        lock (_lock)
        {
            return _groups.ContainsKey(name);
        }
    }

    public int? Retention(string group)
    {
        lock (_lock)
        {
            return _groups[group].Retention;
        }
    }

    public IReadOnlyDictionary<string, string> Tags(string group)
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(_groups[group].Tags);
        }
    }

    public IReadOnlyList<string> StreamNames(string group)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(group, out GroupState? state) ? state.Streams.Keys.Order(StringComparer.Ordinal).ToList() : [];
        }
    }

    public IReadOnlyList<(long Timestamp, string Message)> StoredEvents(string group, string stream)
    {
        lock (_lock)
        {
            return _groups[group].Streams[stream].ToList();
        }
    }

    /// <summary>One stream's messages in stored order; empty when the stream does not exist.</summary>
    public IReadOnlyList<string> Messages(string group, string stream)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(group, out GroupState? state) && state.Streams.TryGetValue(stream, out var events) ? events.Select(e => e.Message).ToList() : [];
        }
    }

    public IReadOnlyList<string> AllMessages(string group)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(group, out GroupState? state) ? state.Streams.Values.SelectMany(s => s).Select(e => e.Message).ToList() : [];
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string target = request.Headers.GetValues("X-Amz-Target").Single();
        string operation = target["Logs_20140328.".Length..];
        Assert.Equal("application/x-amz-json-1.1", request.Content!.Headers.ContentType!.ToString());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        byte[] body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        JsonObject input = JsonNode.Parse(body)!.AsObject();
        Operations.Enqueue(operation);
        SenderScopeSeen.Enqueue(Watchtower.Diagnostics.SenderScope.IsActive);
        if (PutGate is { } gate && operation == "PutLogEvents")
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (HangPuts && operation == "PutLogEvents")
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (_interceptors.TryDequeue(out var interceptor) && interceptor(operation, input) is { } intercepted)
        {
            return intercepted;
        }

        lock (_lock)
        {
            return operation switch
            {
                "CreateLogGroup" => CreateLogGroup(input),
                "CreateLogStream" => CreateLogStream(input),
                "PutLogEvents" => PutLogEvents(input),
                "PutRetentionPolicy" => PutRetentionPolicy(input),
                "TagResource" => TagResource(input),
                "DescribeLogGroups" => DescribeLogGroups(input),
                "StartQuery" => StartQuery(input),
                "GetQueryResults" => RunningQueries.ContainsKey((string?)input["queryId"] ?? string.Empty)
                    ? Ok($"{{\"status\":\"{(RunningQueries[(string)input["queryId"]!] ? "Running" : "Cancelled")}\",\"results\":[]}}")
                    : Error("ResourceNotFoundException", "Query does not exist."),
                "StopQuery" => RunningQueries.TryUpdate((string?)input["queryId"] ?? string.Empty, false, true)
                    ? Ok("{\"success\":true}")
                    : Error("InvalidParameterException", "Query is not running."),
                _ => Error("UnknownOperationException", $"Unknown operation {operation}"),
            };
        }
    }

    public static HttpResponseMessage ErrorResponse(HttpStatusCode status, string type, string message) =>
        new(status) { Content = new StringContent($"{{\"__type\":\"{type}\",\"message\":{JsonSerializer.Serialize(message)}}}", Encoding.UTF8, "application/x-amz-json-1.1") };

    private HttpResponseMessage Error(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        if (type is "InvalidParameterException" or "UnknownOperationException")
        {
            ContractViolations.Enqueue($"{type}: {message}");
        }

        return ErrorResponse(status, type, message);
    }

    public static HttpResponseMessage JsonResponse(string json) => Ok(json);

    private static HttpResponseMessage Ok(string json = "{}") =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };

    // As the service checks it: groups named, whole-second times in order, a query string.
    private HttpResponseMessage StartQuery(JsonObject input)
    {
        if (input["logGroupNames"] is not JsonArray { Count: > 0 } groups || groups.Any(g => !_groups.ContainsKey((string)g!)))
        {
            return Error("ResourceNotFoundException", "Log group does not exist.");
        }

        if (input["startTime"] is not JsonValue start || input["endTime"] is not JsonValue end || (long)start > (long)end || (long)end > 100_000_000_000)
        {
            return Error("InvalidParameterException", "startTime and endTime must be epoch seconds, start before end.");
        }

        if (string.IsNullOrWhiteSpace((string?)input["queryString"]))
        {
            return Error("InvalidParameterException", "queryString is required.");
        }

        string id = Guid.NewGuid().ToString();
        RunningQueries[id] = true;
        return Ok($"{{\"queryId\":\"{id}\"}}");
    }

    private HttpResponseMessage CreateLogGroup(JsonObject input)
    {
        string name = (string)input["logGroupName"]!;
        if (!GroupName().IsMatch(name))
        {
            return Error("InvalidParameterException", $"1 validation error detected: Value '{name}' at 'logGroupName' failed to satisfy constraint");
        }

        if (_groups.ContainsKey(name))
        {
            return Error("ResourceAlreadyExistsException", "The specified log group already exists");
        }

        var group = new GroupState();
        if (input["tags"] is JsonObject tags)
        {
            if (tags.Count is 0 or > 50)
            {
                return Error("InvalidParameterException", "tags must hold 1 to 50 entries");
            }

            foreach (var (key, value) in tags)
            {
                group.Tags[key] = (string)value!;
            }
        }

        _groups[name] = group;
        return Ok();
    }

    private HttpResponseMessage CreateLogStream(JsonObject input)
    {
        string group = (string)input["logGroupName"]!;
        string stream = (string)input["logStreamName"]!;
        if (stream.Length is 0 or > 512 || stream.Contains(':', StringComparison.Ordinal) || stream.Contains('*', StringComparison.Ordinal))
        {
            return Error("InvalidParameterException", $"1 validation error detected: Value '{stream}' at 'logStreamName' failed to satisfy constraint");
        }

        if (!_groups.TryGetValue(group, out GroupState? state))
        {
            return Error("ResourceNotFoundException", "The specified log group does not exist.");
        }

        if (state.Streams.ContainsKey(stream))
        {
            return Error("ResourceAlreadyExistsException", "The specified log stream already exists");
        }

        state.Streams[stream] = [];
        return Ok();
    }

    private HttpResponseMessage PutLogEvents(JsonObject input)
    {
        string group = (string)input["logGroupName"]!;
        string stream = (string)input["logStreamName"]!;
        JsonArray events = input["logEvents"]!.AsArray();
        if (events.Count is 0 or > 10_000)
        {
            return Error("InvalidParameterException", $"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000 (had {events.Count})");
        }

        var parsed = new List<(long Timestamp, string Message)>();
        long bytes = 0;
        long? previous = null;
        for (int i = 0; i < events.Count; i++)
        {
            long timestamp = (long)events[i]!["timestamp"]!;
            string message = (string)events[i]!["message"]!;
            if (message.Length == 0)
            {
                return Error("InvalidParameterException", $"1 validation error detected: Value '' at 'logEvents.{i + 1}.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1");
            }

            int size = Encoding.UTF8.GetByteCount(message) + 26;
            if (size > MaxEventSize)
            {
                return Error("InvalidParameterException", $"Log event too large: {size} bytes exceeds limit of {MaxEventSize}");
            }

            if (previous is { } p && timestamp < p)
            {
                return Error("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.");
            }

            previous = timestamp;
            bytes += size;
            parsed.Add((timestamp, message));
        }

        if (bytes > 1_048_576)
        {
            return Error("InvalidParameterException", $"Upload too large: {bytes} bytes exceeds limit of 1048576");
        }

        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long oldest = now - (long)TimeSpan.FromDays(14).TotalMilliseconds;
        long newest = now + (long)TimeSpan.FromHours(2).TotalMilliseconds;
        var valid = parsed.Where(e => e.Timestamp >= oldest && e.Timestamp <= newest).ToList();
        if (valid.Count > 0 && valid[^1].Timestamp - valid[0].Timestamp > (long)TimeSpan.FromHours(24).TotalMilliseconds)
        {
            return Error("InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
        }

        if (!_groups.TryGetValue(group, out GroupState? state))
        {
            return Error("ResourceNotFoundException", "The specified log group does not exist.");
        }

        if (!state.Streams.TryGetValue(stream, out List<(long, string)>? stored))
        {
            return Error("ResourceNotFoundException", "The specified log stream does not exist.");
        }

        int tooOldEnd = parsed.TakeWhile(e => e.Timestamp < oldest).Count();
        int firstTooNew = parsed.FindIndex(e => e.Timestamp > newest);
        stored.AddRange(parsed.Skip(tooOldEnd).Take((firstTooNew < 0 ? parsed.Count : firstTooNew) - tooOldEnd));
        Batches.Enqueue((group, stream, parsed));

        var rejected = new JsonObject();
        if (tooOldEnd > 0)
        {
            rejected["tooOldLogEventEndIndex"] = tooOldEnd;
        }

        if (firstTooNew >= 0)
        {
            rejected["tooNewLogEventStartIndex"] = firstTooNew;
        }

        return rejected.Count > 0
            ? Ok($"{{\"nextSequenceToken\":\"49\",\"rejectedLogEventsInfo\":{rejected.ToJsonString()}}}")
            : Ok("{\"nextSequenceToken\":\"49\"}");
    }

    private HttpResponseMessage PutRetentionPolicy(JsonObject input)
    {
        string group = (string)input["logGroupName"]!;
        int days = (int)input["retentionInDays"]!;
        if (!CloudWatchLogHandlerOptions.AllowedRetentionDays.Contains(days))
        {
            return Error("InvalidParameterException", $"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint");
        }

        if (!_groups.TryGetValue(group, out GroupState? state))
        {
            return Error("ResourceNotFoundException", "The specified log group does not exist.");
        }

        state.Retention = days;
        return Ok();
    }

    private HttpResponseMessage TagResource(JsonObject input)
    {
        string arn = (string)input["resourceArn"]!;
        Match match = GroupArn().Match(arn);
        if (!match.Success)
        {
            return Error("InvalidParameterException", $"Invalid ARN '{arn}'");
        }

        if (!_groups.TryGetValue(match.Groups["name"].Value, out GroupState? state))
        {
            return Error("ResourceNotFoundException", "The specified log group does not exist.");
        }

        foreach (var (key, value) in input["tags"]!.AsObject())
        {
            state.Tags[key] = (string)value!;
        }

        return state.Tags.Count > 50 ? Error("TooManyTagsException", "too many tags") : Ok();
    }

    private HttpResponseMessage DescribeLogGroups(JsonObject input)
    {
        string prefix = (string?)input["logGroupNamePrefix"] ?? string.Empty;
        var groups = new JsonArray();
        foreach (string name in _groups.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            groups.Add(new JsonObject
            {
                ["logGroupName"] = name,
                ["arn"] = $"arn:aws:logs:us-east-1:{AccountId}:log-group:{name}:*",
                ["logGroupArn"] = $"arn:aws:logs:us-east-1:{AccountId}:log-group:{name}",
                ["creationTime"] = 1,
            });
        }

        return Ok(new JsonObject { ["logGroups"] = groups }.ToJsonString());
    }

    [GeneratedRegex("^[.\\-_/#A-Za-z0-9]{1,512}$")]
    private static partial Regex GroupName();

    [GeneratedRegex("^arn:aws:logs:us-east-1:123456789012:log-group:(?<name>[^:]+)$")]
    private static partial Regex GroupArn();

    private sealed class GroupState
    {
        public int? Retention { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<(long Timestamp, string Message)>> Streams { get; } = new(StringComparer.Ordinal);
    }
}

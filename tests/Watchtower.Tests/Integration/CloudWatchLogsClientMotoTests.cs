using Watchtower.Tests.Support;

namespace Watchtower.Tests.Integration;

/// <summary>Every operation against a real moto_server on loopback, started by the fixture.</summary>
[Collection(MotoCollection.Name)]
public sealed class CloudWatchLogsClientMotoTests(MotoFixture moto)
{
    [Fact]
    public async Task LogGroup_CreateTagRetentionDescribeDelete_RoundTrips()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("group");

        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name, Tags = new Dictionary<string, string> { ["team"] = "platform" } });
        await client.PutRetentionPolicyAsync(name, 14);
        LogGroup group = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = name }).ToListAsync());
        Assert.Equal(name, group.LogGroupName);
        Assert.Equal(14, group.RetentionInDays);
        Assert.NotNull(group.CreationTime);
        Assert.Equal($"arn:aws:logs:us-east-1:123456789012:log-group:{name}:*", group.Arn);

        string arn = group.Arn![..^2];
        await client.TagResourceAsync(arn, new Dictionary<string, string> { ["env"] = "test", ["team"] = "observability" });
        IReadOnlyDictionary<string, string> tags = await client.ListTagsForResourceAsync(arn);
        Assert.Equal(new Dictionary<string, string> { ["env"] = "test", ["team"] = "observability" }, tags.OrderBy(t => t.Key).ToDictionary());

        await client.DeleteRetentionPolicyAsync(name);
        group = Assert.Single(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = name }).ToListAsync());
        Assert.Null(group.RetentionInDays);

        await client.DeleteLogGroupAsync(name);
        Assert.Empty(await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = name }).ToListAsync());
    }

    [Fact]
    public async Task PutLogEvents_NonAsciiText_ReadsBackByteForByte()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("roundtrip");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "stream/ü");
        DateTimeOffset now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        InputLogEvent[] sent =
        [
            new(now, "plain ascii"),
            new(now.AddMilliseconds(1), "Zoë Ångström — naïve café"),
            new(now.AddMilliseconds(2), "日本語のログ ✓"),
            new(now.AddMilliseconds(3), "emoji 😀 and \"quotes\" and \\ backslash"),
            new(now.AddMilliseconds(4), "multi\nline\ttext"),
            new(now.AddMilliseconds(5), "{\"json\":{\"nested\":[1,2,3]}}"),
        ];

        PutLogEventsResponse response = await client.PutLogEventsAsync(name, "stream/ü", sent);

        Assert.Null(response.RejectedLogEventsInfo);
        List<OutputLogEvent> received = await client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = name, LogStreamName = "stream/ü", StartFromHead = true }).ToListAsync();
        Assert.Equal(sent.Select(e => e.Message), received.Select(e => e.Message));
        Assert.Equal(sent.Select(e => (DateTimeOffset?)e.Timestamp), received.Select(e => e.Timestamp));
    }

    [Fact]
    public async Task GetLogEvents_ManyPages_PagesForwardAndBackwardToTheEnd()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("paging");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "s");
        DateTimeOffset start = DateTimeOffset.UtcNow.AddMinutes(-5);
        InputLogEvent[] sent = Enumerable.Range(0, 35).Select(i => new InputLogEvent(start.AddMilliseconds(i), $"event {i:D3}")).ToArray();
        await client.PutLogEventsAsync(name, "s", sent);

        List<OutputLogEvent> forward = await client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = name, LogStreamName = "s", StartFromHead = true, Limit = 10 }).ToListAsync();
        List<OutputLogEvent> backward = await client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = name, LogStreamName = "s", StartFromHead = false, Limit = 10 }).ToListAsync();
        GetLogEventsResponse firstPage = await client.GetLogEventsAsync(new GetLogEventsRequest { LogGroupName = name, LogStreamName = "s", StartFromHead = true, Limit = 10 });

        Assert.Equal(10, firstPage.Events.Count);
        Assert.Equal(sent.Select(e => e.Message), forward.Select(e => e.Message));
        Assert.Equal(sent.Select(e => e.Message).Order(StringComparer.Ordinal), backward.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FilterLogEvents_ManyPages_FindsEveryMatch()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("filter");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        DateTimeOffset start = DateTimeOffset.UtcNow.AddMinutes(-5);
        foreach (string stream in new[] { "a", "b" })
        {
            await client.CreateLogStreamAsync(name, stream);
            await client.PutLogEventsAsync(name, stream, Enumerable.Range(0, 15).Select(i => new InputLogEvent(start.AddMilliseconds(i), $"{stream} {(i % 3 == 0 ? "ERROR" : "INFO")} {i}")).ToArray());
        }

        List<FilteredLogEvent> errors = await client.EnumerateFilteredLogEventsAsync(new FilterLogEventsRequest { LogGroupName = name, FilterPattern = "ERROR", Limit = 3 }).ToListAsync();
        List<FilteredLogEvent> all = await client.EnumerateFilteredLogEventsAsync(new FilterLogEventsRequest { LogGroupName = name, LogStreamNames = ["b"], Limit = 4 }).ToListAsync();

        Assert.Equal(10, errors.Count);
        Assert.All(errors, e => Assert.Contains("ERROR", e.Message, StringComparison.Ordinal));
        Assert.Equal(15, all.Count);
        Assert.All(all, e => Assert.Equal("b", e.LogStreamName));
    }

    [Fact]
    public async Task DescribeLogStreams_MoreThanOnePage_ListsEveryStream()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("streams");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        string[] streams = Enumerable.Range(0, 23).Select(i => $"host-{i:D2}/app").ToArray();
        foreach (string stream in streams)
        {
            await client.CreateLogStreamAsync(name, stream);
        }

        DescribeLogStreamsResponse firstPage = await client.DescribeLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = name, Limit = 5 });
        List<LogStream> listed = await client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = name, Limit = 5 }).ToListAsync();
        List<LogStream> prefixed = await client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = name, LogStreamNamePrefix = "host-1", Limit = 3 }).ToListAsync();

        Assert.Equal(5, firstPage.LogStreams.Count);
        Assert.NotNull(firstPage.NextToken);
        Assert.Equal(streams, listed.Select(s => s.LogStreamName));
        Assert.Equal(10, prefixed.Count);
        Assert.All(listed, s => Assert.NotNull(s.CreationTime));
    }

    [Fact]
    public async Task DescribeLogGroups_MoreThanOnePage_ListsEveryGroup()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string prefix = MotoFixture.UniqueGroupName("many");
        string[] names = Enumerable.Range(0, 12).Select(i => $"{prefix}/{i:D2}").ToArray();
        foreach (string name in names)
        {
            await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        }

        List<LogGroup> listed = await client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = prefix, Limit = 5 }).ToListAsync();

        Assert.Equal(names, listed.Select(g => g.LogGroupName));
    }

    [Fact]
    public async Task DeleteLogStream_RemovesOnlyThatStream()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("delete-stream");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "keep");
        await client.CreateLogStreamAsync(name, "drop");

        await client.DeleteLogStreamAsync(name, "drop");

        Assert.Equal(["keep"], (await client.EnumerateLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = name }).ToListAsync()).Select(s => s.LogStreamName));
    }

    [Fact]
    public async Task PutLogEvents_MissingStreamOrGroup_IsResourceNotFound()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("missing");
        InputLogEvent[] events = [new(DateTimeOffset.UtcNow, "x")];

        var missingGroup = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutLogEventsAsync(name, "s", events));
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        var missingStream = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutLogEventsAsync(name, "s", events));

        foreach (CloudWatchLogsException error in new[] { missingGroup, missingStream })
        {
            Assert.Equal("ResourceNotFoundException", error.ErrorCode);
            Assert.Equal(CloudWatchErrorKind.ResourceNotFound, error.Kind);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
            Assert.False(error.IsRetryable);
        }

        Assert.Contains("stream", missingStream.ServiceMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreateTwice_IsResourceAlreadyExists()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("twice");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "s");

        var group = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name }));
        var stream = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.CreateLogStreamAsync(name, "s"));

        Assert.Equal(CloudWatchErrorKind.ResourceAlreadyExists, group.Kind);
        Assert.Equal(CloudWatchErrorKind.ResourceAlreadyExists, stream.Kind);
        Assert.Equal("ResourceAlreadyExistsException", stream.ErrorCode);
    }

    [Fact]
    public async Task OutOfOrderBatch_IsInvalidParameter()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("order");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "s");
        DateTimeOffset now = DateTimeOffset.UtcNow;

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.PutLogEventsAsync(name, "s", [new(now, "later"), new(now.AddSeconds(-1), "earlier")]));

        Assert.Equal("InvalidParameterException", error.ErrorCode);
        Assert.Equal(CloudWatchErrorKind.InvalidParameter, error.Kind);
        Assert.Contains("chronological order", error.ServiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeLogStreams_OrderByLastEventTimeWithPrefix_IsInvalidParameter()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("invalid");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });

        var error = await Assert.ThrowsAsync<CloudWatchLogsException>(() => client.DescribeLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = name, LogStreamNamePrefix = "x", OrderBy = "LastEventTime" }));

        Assert.Equal(CloudWatchErrorKind.InvalidParameter, error.Kind);
    }

    [Fact]
    public async Task PutLogEvents_EventsTooOld_AreReportedAsRejected()
    {
        using CloudWatchLogsClient client = moto.CreateClient();
        string name = MotoFixture.UniqueGroupName("rejected");
        await client.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = name });
        await client.CreateLogStreamAsync(name, "s");
        DateTimeOffset now = DateTimeOffset.UtcNow;

        PutLogEventsResponse response = await client.PutLogEventsAsync(name, "s", [new(now.AddDays(-20), "ancient"), new(now, "fresh")]);

        // moto reports the index of the last old event (0) where AWS reports the exclusive end (1): see cloudwatch-api.md §6.
        Assert.NotNull(response.RejectedLogEventsInfo);
        Assert.NotNull(response.RejectedLogEventsInfo.TooOldLogEventEndIndex);
        List<OutputLogEvent> stored = await client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = name, LogStreamName = "s", StartFromHead = true }).ToListAsync();
        Assert.Equal(["fresh"], stored.Select(e => e.Message));
    }
}

using Amazon.Runtime;

namespace Watchtower.Samples;

/// <summary>
/// Creates a log group (with retention and tags) and a stream on a CloudWatch Logs endpoint, puts a few
/// events, including non-ASCII text, and prints what it reads back.
/// </summary>
public static class ClientDemo
{
    public static async Task<int> RunAsync(Uri endpoint, TextWriter output, string logGroupName = "watchtower-demo", CancellationToken cancellationToken = default)
    {
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            ServiceUrl = endpoint.ToString(),
            Region = "us-east-1",
            // A local emulator accepts any keys; real AWS would take them from the default chain.
            Credentials = new BasicAWSCredentials("demo-access-key", "demo-secret-key"),
        });

        string logStreamName = $"{Environment.MachineName}/client-demo";
        await client.CreateLogGroupAsync(
            new CreateLogGroupRequest
            {
                LogGroupName = logGroupName,
                Tags = new Dictionary<string, string> { ["project"] = "watchtower", ["purpose"] = "demo" },
            },
            cancellationToken);
        await client.PutRetentionPolicyAsync(logGroupName, 7, cancellationToken);
        await client.CreateLogStreamAsync(logGroupName, logStreamName, cancellationToken);
        output.WriteLine($"Created log group '{logGroupName}' (7-day retention) and stream '{logStreamName}' at {client.ServiceUrl}");

        DateTimeOffset start = DateTimeOffset.UtcNow;
        InputLogEvent[] sent =
        [
            new(start, "Application started"),
            new(start.AddMilliseconds(1), "Processing order 42 for Zoë Ångström"),
            new(start.AddMilliseconds(2), "注文を処理しました ✓"),
            new(start.AddMilliseconds(3), "{\"level\":\"Warning\",\"message\":\"disk 91% full\"}"),
            new(start.AddMilliseconds(4), "Application stopped"),
        ];
        PutLogEventsResponse put = await client.PutLogEventsAsync(logGroupName, logStreamName, sent, cancellationToken);
        output.WriteLine($"Put {sent.Length} events; rejected: {put.RejectedLogEventsInfo?.CountRejected(sent.Length) ?? 0}");

        var received = new List<OutputLogEvent>();
        await foreach (OutputLogEvent logEvent in client.EnumerateLogEventsAsync(
            new GetLogEventsRequest { LogGroupName = logGroupName, LogStreamName = logStreamName, StartFromHead = true },
            cancellationToken))
        {
            received.Add(logEvent);
            output.WriteLine($"  {logEvent.Timestamp:O}  {logEvent.Message}");
        }

        LogGroup? group = null;
        await foreach (LogGroup candidate in client.EnumerateLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = logGroupName }, cancellationToken))
        {
            if (candidate.LogGroupName == logGroupName)
            {
                group = candidate;
            }
        }

        IReadOnlyDictionary<string, string> tags = await client.ListTagsForResourceAsync(
            group?.LogGroupArn ?? group?.Arn?.TrimEnd('*').TrimEnd(':') ?? logGroupName, cancellationToken);
        output.WriteLine($"Group retention: {group?.RetentionInDays} days; tags: {string.Join(", ", tags.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"))}");

        bool roundTripped = received.Select(e => e.Message).SequenceEqual(sent.Select(e => e.Message));
        output.WriteLine(roundTripped
            ? $"Read back all {received.Count} events, byte for byte."
            : $"MISMATCH: sent {sent.Length} events, read back {received.Count}.");
        return roundTripped ? 0 : 1;
    }
}

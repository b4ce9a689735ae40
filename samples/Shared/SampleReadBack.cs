using Amazon.Runtime;

namespace Watchtower.Samples;

/// <summary>Reads a stream back from CloudWatch Logs and prints it: what the sample shipped, as it was stored.</summary>
internal static class SampleReadBack
{
    public static async Task<int> PrintAsync(Uri endpoint, string group, string stream, int expected, TextWriter output)
    {
        using var client = new CloudWatchLogsClient(new CloudWatchLogsClientOptions
        {
            ServiceUrl = endpoint.ToString(),
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("demo-access-key", "demo-secret-key"),
        });
        int count = 0;
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream, StartFromHead = true }))
        {
            await output.WriteLineAsync(e.Message);
            count++;
        }

        await output.WriteLineAsync(count == expected ? $"Read back all {count} events from {group}/{stream}." : $"Expected {expected} events in {group}/{stream}, found {count}.");
        return count == expected ? 0 : 1;
    }
}

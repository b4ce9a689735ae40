using Amazon.Runtime;
using Watchtower.Testing;

namespace Watchtower.Tests.Support;

/// <summary>One moto_server for all integration tests; each test uses log groups of its own.</summary>
public sealed class MotoFixture : IDisposable
{
    private readonly MotoServer _server = MotoServer.Start();

    public Uri Endpoint => _server.Endpoint;

    public CloudWatchLogsClient CreateClient() => new(new CloudWatchLogsClientOptions
    {
        ServiceUrl = Endpoint.ToString(),
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("testing-access-key", "testing-secret-key"),
    });

    /// <summary>Every event of a stream, in order, each message parsed as JSON.</summary>
    public static async Task<List<System.Text.Json.JsonElement>> JsonEventsAsync(CloudWatchLogsClient client, string group, string stream)
    {
        var events = new List<System.Text.Json.JsonElement>();
        await foreach (OutputLogEvent e in client.EnumerateLogEventsAsync(new GetLogEventsRequest { LogGroupName = group, LogStreamName = stream, StartFromHead = true }))
        {
            events.Add(System.Text.Json.JsonDocument.Parse(e.Message).RootElement.Clone());
        }

        return events;
    }

    /// <summary>A log group name no other test uses.</summary>
    public static string UniqueGroupName(string purpose) => $"/watchtower/tests/{purpose}/{Guid.NewGuid():N}";

    public void Dispose() => _server.Dispose();
}

namespace Watchtower.Throughput;

/// <summary>An endpoint in another process; see <see cref="ExternalSink"/>.</summary>
public sealed class ExternalEndpoint(string url) : IThroughputEndpoint
{
    private readonly ExternalSink _sink = new(url);

    public CloudWatchLogsClient CreateClient() => _sink.CreateClient();

    public async Task<EndpointCounts> CountsAsync()
    {
        (long events, long requests, long bytes) = await _sink.StatsAsync();
        return new EndpointCounts(events, requests, bytes, _sink.CountedBytes);
    }

    public ValueTask DisposeAsync()
    {
        _sink.Dispose();
        return ValueTask.CompletedTask;
    }
}

namespace Watchtower.Throughput;

/// <summary>Where the harness ships to.</summary>
public interface IThroughputEndpoint : IAsyncDisposable
{
    CloudWatchLogsClient CreateClient();

    Task<EndpointCounts> CountsAsync();
}

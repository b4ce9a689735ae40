namespace Watchtower.Throughput;

/// <summary>The in-process <see cref="SinkServer"/>: its CPU is the harness's, and is counted.</summary>
public sealed class InProcessEndpoint : IThroughputEndpoint
{
    private readonly SinkServer _sink = new();

    public CloudWatchLogsClient CreateClient() => _sink.CreateClient();

    public Task<EndpointCounts> CountsAsync() =>
        Task.FromResult(new EndpointCounts(_sink.Events, _sink.PutRequests, _sink.BodyBytes, _sink.MessageBytes + (26 * _sink.Events)));

    public ValueTask DisposeAsync() => _sink.DisposeAsync();
}

namespace Watchtower;

/// <summary>The answer to StartQuery.</summary>
public sealed class StartQueryResponse
{
    /// <summary>The query's id, for <see cref="CloudWatchLogsClient.GetQueryResultsAsync"/> and <see cref="CloudWatchLogsClient.StopQueryAsync"/>.</summary>
    public string QueryId { get; init; } = string.Empty;
}

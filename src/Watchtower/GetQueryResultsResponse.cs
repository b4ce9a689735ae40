namespace Watchtower;

/// <summary>The answer to GetQueryResults: the query's state and the rows found so far.</summary>
public sealed class GetQueryResultsResponse
{
    /// <summary>
    /// <c>Scheduled</c>, <c>Running</c>, <c>Complete</c>, <c>Failed</c>, <c>Cancelled</c>, <c>Timeout</c> or
    /// <c>Unknown</c>; the rows are final only when <c>Complete</c>.
    /// </summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>The rows, each a list of fields in the query's order.</summary>
    public IReadOnlyList<IReadOnlyList<QueryResultField>> Results { get; init; } = [];

    /// <summary>What the query has read so far, if the service says.</summary>
    public QueryStatistics? Statistics { get; init; }

    /// <summary>Whether the query has ended (complete, failed, cancelled or timed out): polling again changes nothing.</summary>
    public bool IsFinished => Status is "Complete" or "Failed" or "Cancelled" or "Timeout";
}

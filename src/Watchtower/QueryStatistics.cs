namespace Watchtower;

/// <summary>How much a Logs Insights query has read so far.</summary>
public sealed class QueryStatistics
{
    /// <summary>Events that matched the query.</summary>
    public double RecordsMatched { get; init; }

    /// <summary>Events the query read.</summary>
    public double RecordsScanned { get; init; }

    /// <summary>Bytes the query read.</summary>
    public double BytesScanned { get; init; }
}

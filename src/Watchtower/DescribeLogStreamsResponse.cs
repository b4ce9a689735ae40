namespace Watchtower;

/// <summary>One page of DescribeLogStreams.</summary>
public sealed class DescribeLogStreamsResponse
{
    /// <summary>The streams on this page.</summary>
    public IReadOnlyList<LogStream> LogStreams { get; init; } = [];

    /// <summary>The token of the next page, or null on the last page.</summary>
    public string? NextToken { get; init; }
}

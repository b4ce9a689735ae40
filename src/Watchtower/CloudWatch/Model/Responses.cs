namespace Watchtower;

/// <summary>One page of DescribeLogGroups.</summary>
public sealed class DescribeLogGroupsResponse
{
    /// <summary>The groups on this page.</summary>
    public IReadOnlyList<LogGroup> LogGroups { get; init; } = [];

    /// <summary>The token of the next page, or null on the last page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>One page of DescribeLogStreams.</summary>
public sealed class DescribeLogStreamsResponse
{
    /// <summary>The streams on this page.</summary>
    public IReadOnlyList<LogStream> LogStreams { get; init; } = [];

    /// <summary>The token of the next page, or null on the last page.</summary>
    public string? NextToken { get; init; }
}

/// <summary>One page of GetLogEvents.</summary>
public sealed class GetLogEventsResponse
{
    /// <summary>The events on this page, oldest first. A page may be empty before the end.</summary>
    public IReadOnlyList<OutputLogEvent> Events { get; init; } = [];

    /// <summary>The token for the next page forwards; equal to the token sent once the end is reached.</summary>
    public string? NextForwardToken { get; init; }

    /// <summary>The token for the next page backwards; equal to the token sent once the start is reached.</summary>
    public string? NextBackwardToken { get; init; }
}

/// <summary>One page of FilterLogEvents.</summary>
public sealed class FilterLogEventsResponse
{
    /// <summary>The matching events on this page.</summary>
    public IReadOnlyList<FilteredLogEvent> Events { get; init; } = [];

    /// <summary>The token of the next page, or null when there are no more.</summary>
    public string? NextToken { get; init; }
}

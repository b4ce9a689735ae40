namespace Watchtower;

/// <summary>One page of DescribeLogGroups.</summary>
public sealed class DescribeLogGroupsResponse
{
    /// <summary>The groups on this page.</summary>
    public IReadOnlyList<LogGroup> LogGroups { get; init; } = [];

    /// <summary>The token of the next page, or null on the last page.</summary>
    public string? NextToken { get; init; }
}

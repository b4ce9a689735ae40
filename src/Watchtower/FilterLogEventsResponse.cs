namespace Watchtower;

/// <summary>One page of FilterLogEvents.</summary>
public sealed class FilterLogEventsResponse
{
    /// <summary>The matching events on this page.</summary>
    public IReadOnlyList<FilteredLogEvent> Events { get; init; } = [];

    /// <summary>The token of the next page, or null when there are no more.</summary>
    public string? NextToken { get; init; }
}

namespace Watchtower;

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

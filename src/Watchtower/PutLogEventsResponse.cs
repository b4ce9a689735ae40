namespace Watchtower;

/// <summary>The answer to PutLogEvents.</summary>
public sealed class PutLogEventsResponse
{
    /// <summary>
    /// Which events the service refused although the call succeeded (too new, too old, or older than the
    /// group's retention); null when every event was accepted.
    /// </summary>
    public RejectedLogEventsInfo? RejectedLogEventsInfo { get; init; }
}

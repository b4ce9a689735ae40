namespace Watchtower;

/// <summary>
/// The events of a PutLogEvents batch that were refused. The batch is in timestamp order, so the refused
/// events sit at its two ends: the old ones before an end index (exclusive), the new ones from a start index (inclusive).
/// </summary>
public sealed class RejectedLogEventsInfo
{
    /// <summary>The index of the first event more than 2 hours in the future; it and all after it were refused.</summary>
    public int? TooNewLogEventStartIndex { get; init; }

    /// <summary>The number of events at the start of the batch refused as older than 14 days (an exclusive end index).</summary>
    public int? TooOldLogEventEndIndex { get; init; }

    /// <summary>The number of events at the start of the batch refused as older than the group's retention (an exclusive end index).</summary>
    public int? ExpiredLogEventEndIndex { get; init; }

    /// <summary>Counts the refused events of a batch of <paramref name="batchCount"/> events.</summary>
    /// <param name="batchCount">How many events the batch held.</param>
    /// <returns>How many of them the service did not store.</returns>
    public int CountRejected(int batchCount)
    {
        (int expired, int tooOld, int tooNew) = CountRejectedByReason(batchCount);
        return expired + tooOld + tooNew;
    }

    /// <summary>
    /// The refused events by reason, each counted once: the leading ones up to the expired end index as expired, the
    /// rest up to the too-old end index as too old, and those from the too-new start index (not already counted) as too new.
    /// </summary>
    internal (int Expired, int TooOld, int TooNew) CountRejectedByReason(int batchCount)
    {
        int expired = Math.Clamp(ExpiredLogEventEndIndex ?? 0, 0, batchCount);
        int oldEnd = Math.Max(expired, Math.Clamp(TooOldLogEventEndIndex ?? 0, 0, batchCount));
        int newStart = Math.Clamp(TooNewLogEventStartIndex ?? batchCount, oldEnd, batchCount);
        return (expired, oldEnd - expired, batchCount - newStart);
    }
}

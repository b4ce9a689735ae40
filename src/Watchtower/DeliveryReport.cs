using Watchtower.Diagnostics;

namespace Watchtower;

/// <summary>
/// What a <see cref="CloudWatchLogHandler"/> has done with the events it was given so far: the same counts as its
/// meter ("Watchtower") and its shutdown report. A snapshot; take another for later counts.
/// </summary>
public sealed class DeliveryReport
{
    internal DeliveryReport(HandlerMetrics metrics)
    {
        Accepted = metrics.Enqueued;
        Delivered = metrics.Sent;
        Truncated = metrics.Truncated;
        Retries = metrics.Retries;
        PossiblyDuplicated = metrics.PossiblyDuplicated;
        Recovered = metrics.Recovered;
        var dropped = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (DropReason reason in Enum.GetValues<DropReason>())
        {
            if (metrics.Dropped(reason) is > 0 and long count)
            {
                dropped[reason.TagValue()] = count;
            }
        }

        DroppedByReason = dropped;
        Dropped = dropped.Values.Sum();
    }

    /// <summary>Events taken into the queue.</summary>
    public long Accepted { get; }

    /// <summary>Events CloudWatch stored.</summary>
    public long Delivered { get; }

    /// <summary>Events cut to fit the size limit (delivered, marked).</summary>
    public long Truncated { get; }

    /// <summary>Requests sent again after a failure.</summary>
    public long Retries { get; }

    /// <summary>Events sent again after a request whose outcome was unknown, so possibly stored twice.</summary>
    public long PossiblyDuplicated { get; }

    /// <summary>
    /// Events an earlier process left in <see cref="CloudWatchLogHandlerOptions.BufferDirectory"/>, read by this one to be
    /// sent (not counted in <see cref="Accepted"/>; delivered and dropped ones are counted with the rest).
    /// </summary>
    public long Recovered { get; }

    /// <summary>Events not delivered, in all.</summary>
    public long Dropped { get; }

    /// <summary>
    /// Events not delivered, by reason, as the meter's <c>reason</c> tag names them (<c>queue_full</c>,
    /// <c>delivery_failed</c>, <c>shutdown_timeout</c>, <c>no_credentials</c>, <c>buffer_full</c>, <c>buffer_corrupt</c> …); only reasons that happened.
    /// </summary>
    public IReadOnlyDictionary<string, long> DroppedByReason { get; }
}

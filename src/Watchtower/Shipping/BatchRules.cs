using System.Text;

namespace Watchtower.Shipping;

/// <summary>
/// The PutLogEvents rules a batch must keep, as a pure policy: at most <see cref="MaxBytes"/> bytes (UTF-8
/// message bytes plus 26 per event), at most <see cref="MaxCount"/> events, a span of at most 24 hours, and
/// each message within <see cref="MaxMessageSize"/> (26 bytes included), truncated at a character boundary
/// and marked when it is longer.
/// </summary>
internal sealed class BatchRules
{
    public const string TruncationMarker = "…[truncated]";

    public static readonly TimeSpan MaxSpan = TimeSpan.FromHours(24);

    /// <summary>CloudWatch refuses events more than this far ahead of its clock (tooNewLogEventStartIndex).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(2);

    /// <summary>CloudWatch refuses events older than this (tooOldLogEventEndIndex).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    private static readonly int s_markerBytes = Encoding.UTF8.GetByteCount(TruncationMarker);

    public BatchRules(int maxBytes, int maxCount, int maxMessageSize)
    {
        MaxBytes = maxBytes;
        MaxCount = maxCount;
        MaxMessageSize = maxMessageSize;
    }

    public int MaxBytes { get; }

    public int MaxCount { get; }

    public int MaxMessageSize { get; }

    /// <summary>The size CloudWatch counts for a message: its UTF-8 bytes (a lone surrogate counts as U+FFFD, 3 bytes) plus 26.</summary>
    public static int SizeOf(string message) => Encoding.UTF8.GetByteCount(message) + CloudWatchLogHandlerOptions.EventOverhead;

    /// <summary>Prepares a message for the queue: counts its size once and truncates it if it is too large.</summary>
    /// <returns>The message to send, its size as CloudWatch counts it, and whether it was truncated.</returns>
    public (string Message, int Size, bool Truncated) Prepare(string message)
    {
        int size = SizeOf(message);
        if (size <= MaxMessageSize)
        {
            return (message, size, false);
        }

        string truncated = Truncate(message, MaxMessageSize - CloudWatchLogHandlerOptions.EventOverhead);
        return (truncated, SizeOf(truncated), true);
    }

    /// <summary>Cuts a message so that it and the marker fit in <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    internal static string Truncate(string message, int maxBytes)
    {
        int budget = maxBytes - s_markerBytes;
        byte[] bytes = Encoding.UTF8.GetBytes(message);
        int cut = Math.Min(budget, bytes.Length);
        // Step back over continuation bytes (10xxxxxx) so that the cut falls between characters.
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return Encoding.UTF8.GetString(bytes, 0, cut) + TruncationMarker;
    }

    /// <summary>Whether <paramref name="next"/> may join a batch that holds <paramref name="count"/> events of <paramref name="bytes"/> bytes spanning [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public bool Fits(int count, long bytes, DateTimeOffset min, DateTimeOffset max, BatchEvent next)
    {
        if (count == 0)
        {
            return true;
        }

        if (count >= MaxCount || bytes + next.Size > MaxBytes)
        {
            return false;
        }

        DateTimeOffset newMin = next.Timestamp < min ? next.Timestamp : min;
        DateTimeOffset newMax = next.Timestamp > max ? next.Timestamp : max;
        return newMax - newMin <= MaxSpan;
    }

    /// <summary>
    /// How many events of a timestamp-sorted batch CloudWatch would refuse at <paramref name="now"/>: a prefix that is
    /// older than 14 days (too old) or than the group's retention (expired), and a suffix more than 2 hours ahead (too
    /// new). Only events past a limit by our clock are counted, so that none the service would take is held back.
    /// </summary>
    public static (int TooOld, int Expired, int TooNew) CountOutsideAcceptedWindow(IReadOnlyList<InputLogEvent> sorted, DateTimeOffset now, int? retentionDays)
    {
        DateTimeOffset oldestAccepted = now - MaxAge;
        DateTimeOffset oldestRetained = retentionDays is { } days ? now - TimeSpan.FromDays(days) : DateTimeOffset.MinValue;
        DateTimeOffset newestAccepted = now + MaxAhead;
        int tooOld = 0, expired = 0, tooNew = 0;
        int i = 0;
        for (; i < sorted.Count; i++)
        {
            DateTimeOffset timestamp = sorted[i].Timestamp;
            if (timestamp < oldestAccepted)
            {
                tooOld++;
            }
            else if (timestamp < oldestRetained)
            {
                expired++;
            }
            else
            {
                break;
            }
        }

        for (int j = sorted.Count - 1; j >= i && sorted[j].Timestamp > newestAccepted; j--)
        {
            tooNew++;
        }

        return (tooOld, expired, tooNew);
    }
}

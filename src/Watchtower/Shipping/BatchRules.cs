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

    /// <summary>Prepares an event for a batch, truncating its message if it is too large.</summary>
    /// <returns>The event, and whether its message was truncated.</returns>
    public (BatchEvent Event, bool Truncated) Prepare(long sequence, DateTimeOffset timestamp, string message)
    {
        int size = SizeOf(message);
        if (size <= MaxMessageSize)
        {
            return (new BatchEvent(sequence, timestamp, message, size), false);
        }

        string truncated = Truncate(message, MaxMessageSize - CloudWatchLogHandlerOptions.EventOverhead);
        return (new BatchEvent(sequence, timestamp, truncated, SizeOf(truncated)), true);
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
}

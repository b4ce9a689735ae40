using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Watchtower.Shipping;

/// <summary>
/// The PutLogEvents rules a batch must keep, as a pure policy: at most <see cref="MaxBytes"/> bytes (UTF-8
/// message bytes plus 26 per event), at most <see cref="MaxCount"/> events, a span of at most 24 hours, and
/// each message within <see cref="MaxMessageSize"/> (26 bytes included), truncated at a character boundary
/// and marked when it is longer.
/// </summary>
internal sealed class BatchRules
{
    public const string TruncationMarker = CloudWatchLogHandlerOptions.TruncationMarker;

    public static readonly TimeSpan MaxSpan = TimeSpan.FromHours(24);

    /// <summary>CloudWatch refuses events more than this far ahead of its clock (tooNewLogEventStartIndex).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(2);

    /// <summary>CloudWatch refuses events older than this (tooOldLogEventEndIndex).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    private static readonly long s_maxSpanMs = (long)MaxSpan.TotalMilliseconds;

    private static readonly byte[] s_marker = Encoding.UTF8.GetBytes(TruncationMarker);

    public BatchRules(int maxBytes, int maxCount, int maxMessageSize)
    {
        MaxBytes = maxBytes;
        MaxCount = maxCount;
        MaxMessageSize = maxMessageSize;
    }

    public int MaxBytes { get; }

    public int MaxCount { get; }

    public int MaxMessageSize { get; }

    /// <summary>The most UTF-8 bytes a message may have (the size limit less the 26 CloudWatch adds).</summary>
    public int MaxMessageBytes => MaxMessageSize - CloudWatchLogHandlerOptions.EventOverhead;

    /// <summary>The size CloudWatch counts for a message: its UTF-8 bytes (a lone surrogate counts as U+FFFD, 3 bytes) plus 26.</summary>
    public static int SizeOf(string message) => Encoding.UTF8.GetByteCount(message) + CloudWatchLogHandlerOptions.EventOverhead;

    /// <summary>How large a buffer <see cref="Encode"/> needs for <paramref name="chars"/> UTF-16 characters.</summary>
    public int EncodeBufferSize(int chars) => (int)Math.Min((long)chars * 3, MaxMessageBytes);

    /// <summary>
    /// Encodes a message to UTF-8 (invalid UTF-16, a lone surrogate, becomes U+FFFD, as CloudWatch counts it), cut at
    /// a character boundary and marked when it is over <see cref="MaxMessageSize"/>. Encoding stops at the limit, so a
    /// 10 MB message costs no more than a 1 MB one.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="EncodeBufferSize"/> bytes.</param>
    /// <param name="truncated">Whether the message was cut.</param>
    /// <returns>The bytes written.</returns>
    public int Encode(ReadOnlySpan<char> message, Span<byte> destination, out bool truncated)
    {
        Span<byte> room = destination[..Math.Min(destination.Length, MaxMessageBytes)];
        if (Utf8.FromUtf16(message, room, out _, out int written) == OperationStatus.Done)
        {
            truncated = false;
            return written;
        }

        // Too long: encode again up to the room the marker leaves; the encoder never splits a character.
        Utf8.FromUtf16(message, room[..(MaxMessageBytes - s_marker.Length)], out _, out written);
        s_marker.CopyTo(destination[written..]);
        truncated = true;
        return written + s_marker.Length;
    }

    /// <summary>The marker a cut message ends with, as UTF-8.</summary>
    public static ReadOnlySpan<byte> Marker => s_marker;

    /// <summary>
    /// How much of UTF-8 text to keep: all of it when it is within <see cref="MaxMessageBytes"/>; otherwise as much as
    /// leaves room for the <see cref="Marker"/>, cut at a character boundary. Writes nothing: the caller's text is read only.
    /// </summary>
    /// <returns>The bytes to keep, followed by the marker when <paramref name="truncated"/>.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public int KeepLength(ReadOnlySpan<byte> utf8, out bool truncated)
    {
        if (utf8.Length <= MaxMessageBytes)
        {
            truncated = false;
            return utf8.Length;
        }

        int cut = MaxMessageBytes - s_marker.Length;
        // Step back over continuation bytes (10xxxxxx) so that the cut falls between characters.
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        truncated = true;
        return cut;
    }

    /// <summary>Whether an event of <paramref name="size"/> bytes at <paramref name="timestampMs"/> may join a batch that holds <paramref name="count"/> events of <paramref name="bytes"/> bytes spanning [<paramref name="minMs"/>, <paramref name="maxMs"/>].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool Fits(int count, long bytes, long minMs, long maxMs, long timestampMs, int size)
    {
        if (count == 0)
        {
            return true;
        }

        if (count >= MaxCount || bytes + size > MaxBytes)
        {
            return false;
        }

        return Math.Max(maxMs, timestampMs) - Math.Min(minMs, timestampMs) <= s_maxSpanMs;
    }

    /// <summary>
    /// How many events of a timestamp-sorted batch CloudWatch would refuse at <paramref name="now"/>: a prefix that is
    /// older than 14 days (too old) or than the group's retention (expired), and a suffix more than 2 hours ahead (too
    /// new). Only events past a limit by our clock are counted, so that none the service would take is held back.
    /// </summary>
    public static (int TooOld, int Expired, int TooNew) CountOutsideAcceptedWindow(ReadOnlySpan<EventSlot> sorted, DateTimeOffset now, int? retentionDays)
    {
        long nowMs = now.ToUnixTimeMilliseconds();
        long oldestAccepted = nowMs - (long)MaxAge.TotalMilliseconds;
        long oldestRetained = retentionDays is { } days ? nowMs - (days * 86_400_000L) : long.MinValue;
        long newestAccepted = nowMs + (long)MaxAhead.TotalMilliseconds;
        int tooOld = 0, expired = 0, tooNew = 0;
        int i = 0;
        for (; i < sorted.Length; i++)
        {
            long timestamp = sorted[i].TimestampMs;
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

        for (int j = sorted.Length - 1; j >= i && sorted[j].TimestampMs > newestAccepted; j--)
        {
            tooNew++;
        }

        return (tooOld, expired, tooNew);
    }
}

namespace Watchtower.Buffering;

/// <summary>An event record's parts, pointing into the bytes it was read from.</summary>
internal readonly ref struct EventRecordView
{
    public EventRecordView(long timestampMs, ReadOnlySpan<byte> streamName, ReadOnlySpan<byte> message)
    {
        TimestampMs = timestampMs;
        StreamName = streamName;
        Message = message;
    }

    public long TimestampMs { get; }

    public ReadOnlySpan<byte> StreamName { get; }

    public ReadOnlySpan<byte> Message { get; }
}

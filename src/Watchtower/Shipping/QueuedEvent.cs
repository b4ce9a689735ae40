namespace Watchtower.Shipping;

/// <summary>
/// One queued event: its message's UTF-8 bytes live in a <see cref="EventQueue.Chunk"/>, so that an event costs its
/// bytes plus this slot (32 bytes), not a .NET string of twice the size.
/// </summary>
internal readonly struct QueuedEvent
{
    public QueuedEvent(string streamName, EventQueue.Chunk chunk, int offset, int length, long timestampMs)
    {
        StreamName = streamName;
        Chunk = chunk;
        Offset = offset;
        Length = length;
        TimestampMs = timestampMs;
    }

    /// <summary>The stream the event goes to; one string per stream, shared by all its events.</summary>
    public string StreamName { get; }

    public EventQueue.Chunk Chunk { get; }

    public int Offset { get; }

    /// <summary>The message's UTF-8 length; CloudWatch counts it plus 26.</summary>
    public int Length { get; }

    /// <summary>When the event happened, in milliseconds since the Unix epoch.</summary>
    public long TimestampMs { get; }

    /// <summary>The message, valid until the sender's next <see cref="EventQueue.Drain"/>.</summary>
    public ReadOnlySpan<byte> Message => Chunk.Data.AsSpan(Offset, Length);

    /// <summary>The event's size as CloudWatch counts it.</summary>
    public int Size => Length + CloudWatchLogHandlerOptions.EventOverhead;
}

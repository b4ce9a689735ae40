namespace Watchtower.Buffering;

/// <summary>One event read back from the buffer, for the sender to batch; its message is valid until the next read.</summary>
internal readonly ref struct BufferedEvent
{
    public BufferedEvent(ReadOnlySpan<byte> message, long timestampMs, string logGroupName, string streamName, long sequence, long? arrivedAt, bool recovered, bool possiblyDuplicated)
    {
        Message = message;
        TimestampMs = timestampMs;
        LogGroupName = logGroupName;
        StreamName = streamName;
        Sequence = sequence;
        ArrivedAt = arrivedAt;
        Recovered = recovered;
        PossiblyDuplicated = possiblyDuplicated;
    }

    public ReadOnlySpan<byte> Message { get; }

    public long TimestampMs { get; }

    /// <summary>The group it was meant for: the handler's, or an earlier handler's that used the directory.</summary>
    public string LogGroupName { get; }

    public string StreamName { get; }

    /// <summary>Its number in the <see cref="AckTracker"/>, or -1 for an event that is not on disk (kept in memory after a failed write).</summary>
    public long Sequence { get; }

    /// <summary>A TimeProvider timestamp no later than its arrival, or null for an event of an earlier process (due at once).</summary>
    public long? ArrivedAt { get; }

    /// <summary>Written by an earlier process.</summary>
    public bool Recovered { get; }

    /// <summary>The earlier process had handed it to its sender already, so it may have been delivered.</summary>
    public bool PossiblyDuplicated { get; }
}

namespace Watchtower.Shipping;

/// <summary>One event as the adapters hand it to the engine: immutable, its stream already named.</summary>
internal readonly record struct LogEvent(DateTimeOffset Timestamp, string StreamName, string Message);

/// <summary>An event ready for a batch: its message within the size limit and its size counted as CloudWatch counts it.</summary>
internal readonly record struct BatchEvent(long Sequence, DateTimeOffset Timestamp, string Message, int Size);

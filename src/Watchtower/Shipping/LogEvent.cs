namespace Watchtower.Shipping;

/// <summary>
/// One event as the engine queues it: immutable, its stream already named, its message within the size limit and
/// <see cref="Size"/> counted once, on the way in, as CloudWatch counts it (UTF-8 bytes plus 26).
/// </summary>
internal readonly record struct LogEvent(DateTimeOffset Timestamp, string StreamName, string Message, int Size);

/// <summary>An event in a stream's open batch: <see cref="Sequence"/> keeps arrival order among equal timestamps.</summary>
internal readonly record struct BatchEvent(long Sequence, DateTimeOffset Timestamp, string Message, int Size);

namespace Watchtower;

/// <summary>One event to send with PutLogEvents.</summary>
/// <param name="Timestamp">When the event happened; sent as milliseconds since the Unix epoch.</param>
/// <param name="Message">The message; CloudWatch rejects an empty one. Invalid UTF-16 (a lone surrogate) is sent as U+FFFD.</param>
public readonly record struct InputLogEvent(DateTimeOffset Timestamp, string Message);

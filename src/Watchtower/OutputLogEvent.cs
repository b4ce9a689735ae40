using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>An event as GetLogEvents returns it.</summary>
public sealed class OutputLogEvent
{
    /// <summary>When the event happened.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The message.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>When CloudWatch ingested the event.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? IngestionTime { get; init; }
}

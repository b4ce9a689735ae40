using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>An event as FilterLogEvents returns it.</summary>
public sealed class FilteredLogEvent
{
    /// <summary>The stream the event is in.</summary>
    public string LogStreamName { get; init; } = string.Empty;

    /// <summary>When the event happened.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The message.</summary>
    public string Message { get; init; } = string.Empty;

    /// <summary>When CloudWatch ingested the event.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? IngestionTime { get; init; }

    /// <summary>The event's id.</summary>
    public string? EventId { get; init; }
}

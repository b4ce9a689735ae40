using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>A log stream as DescribeLogStreams returns it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The CloudWatch Logs API calls it a log stream.")]
public sealed class LogStream
{
    /// <summary>The stream's name.</summary>
    public string LogStreamName { get; init; } = string.Empty;

    /// <summary>When the stream was created.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>The time of the first event.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? FirstEventTimestamp { get; init; }

    /// <summary>The time of the last event; eventually consistent, usually within an hour.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? LastEventTimestamp { get; init; }

    /// <summary>When the last event was ingested; eventually consistent.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? LastIngestionTime { get; init; }

    /// <summary>The stream's ARN.</summary>
    public string? Arn { get; init; }
}

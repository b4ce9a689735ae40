using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>A Logs Insights query (StartQuery): what to run, over which groups and times.</summary>
public sealed class StartQueryRequest
{
    /// <summary>The groups to query by name (up to 50); give these or <see cref="LogGroupIdentifiers"/>.</summary>
    public IList<string>? LogGroupNames { get; set; }

    /// <summary>The groups to query by name or ARN (for cross-account queries).</summary>
    public IList<string>? LogGroupIdentifiers { get; set; }

    /// <summary>The start of the time range (inclusive; the service counts whole seconds).</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset StartTime { get; set; }

    /// <summary>The end of the time range (inclusive; whole seconds).</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public DateTimeOffset EndTime { get; set; }

    /// <summary>The query, in the Logs Insights language: <c>fields @timestamp, @message | filter … | sort … | limit …</c>.</summary>
    public string QueryString { get; set; } = string.Empty;

    /// <summary>The most rows to return when the query has no <c>limit</c> command (service default 1,000; at most 10,000).</summary>
    public int? Limit { get; set; }
}

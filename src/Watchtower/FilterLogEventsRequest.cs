using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>The parameters of FilterLogEvents.</summary>
public sealed class FilterLogEventsRequest
{
    /// <summary>The group's name. Give this or <see cref="LogGroupIdentifier"/>.</summary>
    public string? LogGroupName { get; set; }

    /// <summary>The group's name or ARN. Give this or <see cref="LogGroupName"/>.</summary>
    public string? LogGroupIdentifier { get; set; }

    /// <summary>Only these streams (1 to 100). Cannot be combined with <see cref="LogStreamNamePrefix"/>.</summary>
    public IList<string>? LogStreamNames { get; set; }

    /// <summary>Only streams whose names start with this. Cannot be combined with <see cref="LogStreamNames"/>.</summary>
    public string? LogStreamNamePrefix { get; set; }

    /// <summary>Only events at or after this time.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Only events before this time.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>A CloudWatch Logs filter pattern; null or empty matches every event.</summary>
    public string? FilterPattern { get; set; }

    /// <summary>At most this many events per page, 1 to 10,000; null means 10,000.</summary>
    public int? Limit { get; set; }

    /// <summary>The token of the page to read, from the previous response.</summary>
    public string? NextToken { get; set; }

    /// <summary>Whether to return masked data unmasked (needs logs:Unmask).</summary>
    public bool? Unmask { get; set; }

    /// <summary>
    /// Deprecated by the service, which has interleaved every answer across streams in time order since 2019; some
    /// emulators (moto) still sort only when it is true. Default unset.
    /// </summary>
    public bool? Interleaved { get; set; }

    /// <summary>A copy for one page: the same request, at <paramref name="token"/>.</summary>
    internal FilterLogEventsRequest WithNextToken(string? token)
    {
        var page = (FilterLogEventsRequest)MemberwiseClone();
        page.NextToken = token;
        return page;
    }
}

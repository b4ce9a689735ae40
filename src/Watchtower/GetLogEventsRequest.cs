using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>The parameters of GetLogEvents.</summary>
public sealed class GetLogEventsRequest
{
    /// <summary>The group's name. Give this or <see cref="LogGroupIdentifier"/>.</summary>
    public string? LogGroupName { get; set; }

    /// <summary>The group's name or ARN. Give this or <see cref="LogGroupName"/>.</summary>
    public string? LogGroupIdentifier { get; set; }

    /// <summary>The stream's name. Required.</summary>
    public required string LogStreamName { get; set; }

    /// <summary>Only events at or after this time.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Only events before this time.</summary>
    [JsonConverter(typeof(UnixMillisecondsConverter))]
    public DateTimeOffset? EndTime { get; set; }

    /// <summary>At most this many events per page, 1 to 10,000; null means as many as fit in 1 MB.</summary>
    public int? Limit { get; set; }

    /// <summary>A nextForwardToken or nextBackwardToken from a previous response.</summary>
    public string? NextToken { get; set; }

    /// <summary>
    /// True to read from the oldest event forwards; false or null (the service's default) to start with the newest page.
    /// Must be true when <see cref="NextToken"/> is a forward token.
    /// </summary>
    public bool? StartFromHead { get; set; }

    /// <summary>Whether to return masked data unmasked (needs logs:Unmask).</summary>
    public bool? Unmask { get; set; }

    /// <summary>A copy for one page: the same request, at <paramref name="token"/>.</summary>
    internal GetLogEventsRequest WithNextToken(string? token)
    {
        var page = (GetLogEventsRequest)MemberwiseClone();
        page.NextToken = token;
        return page;
    }
}

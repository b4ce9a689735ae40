using System.Text.Json.Serialization;
using Watchtower.CloudWatch;

namespace Watchtower;

/// <summary>The parameters of DescribeLogGroups. All are optional.</summary>
public sealed class DescribeLogGroupsRequest
{
    /// <summary>Only groups whose names start with this. Cannot be combined with <see cref="LogGroupNamePattern"/>.</summary>
    public string? LogGroupNamePrefix { get; set; }

    /// <summary>Only groups whose names contain this (case-sensitive). Cannot be combined with <see cref="LogGroupNamePrefix"/>.</summary>
    public string? LogGroupNamePattern { get; set; }

    /// <summary>Only groups of this class: STANDARD, INFREQUENT_ACCESS or DELIVERY.</summary>
    public string? LogGroupClass { get; set; }

    /// <summary>The page size, 1 to 50; null means 50.</summary>
    public int? Limit { get; set; }

    /// <summary>The token of the page to read, from the previous response.</summary>
    public string? NextToken { get; set; }
}

/// <summary>The parameters of DescribeLogStreams.</summary>
public sealed class DescribeLogStreamsRequest
{
    /// <summary>The group's name. Give this or <see cref="LogGroupIdentifier"/>.</summary>
    public string? LogGroupName { get; set; }

    /// <summary>The group's name or ARN. Give this or <see cref="LogGroupName"/>.</summary>
    public string? LogGroupIdentifier { get; set; }

    /// <summary>Only streams whose names start with this.</summary>
    public string? LogStreamNamePrefix { get; set; }

    /// <summary><c>LogStreamName</c> (the default) or <c>LastEventTime</c>; the latter cannot be combined with a prefix.</summary>
    public string? OrderBy { get; set; }

    /// <summary>Whether to list in descending order.</summary>
    public bool? Descending { get; set; }

    /// <summary>The page size, 1 to 50; null means 50.</summary>
    public int? Limit { get; set; }

    /// <summary>The token of the page to read, from the previous response.</summary>
    public string? NextToken { get; set; }
}

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
}

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
}

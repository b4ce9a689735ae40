namespace Watchtower;

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

    /// <summary>A copy for one page: the same request, at <paramref name="token"/>.</summary>
    internal DescribeLogStreamsRequest WithNextToken(string? token)
    {
        var page = (DescribeLogStreamsRequest)MemberwiseClone();
        page.NextToken = token;
        return page;
    }
}

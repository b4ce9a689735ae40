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

    /// <summary>A copy for one page: the same request, at <paramref name="token"/>.</summary>
    internal DescribeLogGroupsRequest WithNextToken(string? token)
    {
        var page = (DescribeLogGroupsRequest)MemberwiseClone();
        page.NextToken = token;
        return page;
    }
}

namespace Watchtower.CloudWatch;

internal sealed class ListTagsResponseBody
{
    public Dictionary<string, string>? Tags { get; init; }
}

namespace Watchtower.CloudWatch;

/// <summary>The answer to StopQuery: whether a running query was stopped.</summary>
internal sealed class StopQueryResponseBody
{
    public bool Success { get; init; }
}

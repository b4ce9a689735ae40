namespace Watchtower.CloudWatch;

/// <summary>A request naming only a query (GetQueryResults, StopQuery).</summary>
internal sealed record QueryIdBody(string QueryId);

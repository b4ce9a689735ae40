namespace Watchtower;

/// <summary>One field of one row of a Logs Insights query's results.</summary>
public sealed class QueryResultField
{
    /// <summary>The field's name (<c>@timestamp</c>, <c>@message</c>, <c>@ptr</c>, or one the query made).</summary>
    public string Field { get; init; } = string.Empty;

    /// <summary>The field's value, as the service writes it (times as <c>2026-12-01 09:00:00.000</c>, UTC).</summary>
    public string Value { get; init; } = string.Empty;
}

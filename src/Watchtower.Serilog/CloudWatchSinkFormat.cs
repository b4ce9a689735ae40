namespace Watchtower.Serilog;

/// <summary>How the sink writes an event when no <c>formatter</c> is given.</summary>
public enum CloudWatchSinkFormat
{
    /// <summary>
    /// One JSON object per event: <c>timestamp</c> (the event's own, UTC), <c>level</c>, <c>category</c> (the
    /// <c>SourceContext</c>), <c>message</c> (rendered), <c>messageTemplate</c>, <c>properties</c> and <c>exception</c>.
    /// Queryable with CloudWatch Logs Insights. The default.
    /// </summary>
    Json,

    /// <summary>One line: <c>2026-12-02T10:00:00.000Z Information Category: message</c>, then the exception if any.</summary>
    Text,
}

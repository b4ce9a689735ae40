namespace Watchtower.Log4Net;

/// <summary>How <see cref="CloudWatchAppender"/> writes an event when it has no layout.</summary>
public enum CloudWatchAppenderFormat
{
    /// <summary>
    /// One JSON object per event: <c>timestamp</c> (the event's own, UTC), <c>level</c>, <c>category</c> (the logger
    /// name), <c>message</c>, <c>properties</c> (the event's, ThreadContext's, LogicalThreadContext's and
    /// GlobalContext's) and <c>exception</c>. The default.
    /// </summary>
    Json,

    /// <summary>One line: <c>2026-12-02T10:00:00.000Z INFO Logger: message</c>, then the exception if any.</summary>
    Text,
}

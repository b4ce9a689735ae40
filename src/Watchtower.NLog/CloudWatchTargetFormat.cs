namespace Watchtower.NLog;

/// <summary>How <see cref="CloudWatchTarget"/> writes an event.</summary>
public enum CloudWatchTargetFormat
{
    /// <summary>
    /// One JSON object per event: <c>timestamp</c> (the event's own, UTC), <c>level</c>, <c>category</c> (the logger
    /// name), <c>message</c>, <c>messageTemplate</c>, <c>properties</c> (event properties, scope properties and the
    /// target's <c>contextproperty</c> items) and <c>exception</c>. The default.
    /// </summary>
    Json,

    /// <summary>One line: <c>2026-12-02T10:00:00.000Z Info Logger: message</c>, then the exception if any.</summary>
    Text,

    /// <summary>The target's <c>Layout</c>, rendered as NLog renders it.</summary>
    Layout,
}

namespace Watchtower.Extensions.Logging;

/// <summary>How each log event is written into its CloudWatch Logs message.</summary>
public enum CloudWatchLogFormat
{
    /// <summary>
    /// One JSON object per event: timestamp, level, category, event id, message, message template, exception,
    /// scopes and the structured properties. Queryable with CloudWatch Logs Insights. The default.
    /// </summary>
    Json = 0,

    /// <summary>A readable single line: time, level, category, event id, message, scopes and exception.</summary>
    Text,
}

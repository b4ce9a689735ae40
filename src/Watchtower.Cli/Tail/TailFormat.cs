namespace Watchtower.Cli.Tail;

/// <summary>How <c>tail</c> prints an event (<c>--format</c>).</summary>
internal enum TailFormat
{
    /// <summary>UTC time, stream (group/stream with several groups), message.</summary>
    Text,

    /// <summary>UTC time of day and message.</summary>
    Short,

    /// <summary>One JSON object per line: timestamp, group, stream, message, eventId, ingestionTime.</summary>
    Json,

    /// <summary>The message alone, as stored.</summary>
    Raw,
}

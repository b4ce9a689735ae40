using System.Globalization;

namespace Watchtower.Cli.Tail;

/// <summary>One event read back: where it was, when it happened and was stored, and its id.</summary>
internal sealed record TailEvent(string Group, string Stream, DateTimeOffset Timestamp, DateTimeOffset? Ingestion, string Message, string? EventId)
{
    /// <summary>
    /// What makes the event itself, for de-duplication: CloudWatch's event id (unique within a group), or where there
    /// is none (some emulators), its stream, time and message.
    /// </summary>
    public string Key => EventId is { Length: > 0 } id
        ? string.Concat(Group, "\0", id)
        : string.Join('\0', Group, Stream, Timestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), Message);

    /// <summary>Time order across streams and groups: timestamp, then ingestion, then place.</summary>
    public static int Compare(TailEvent? a, TailEvent? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null || b is null)
        {
            return a is null ? -1 : 1;
        }

        int order = a.Timestamp.CompareTo(b.Timestamp);
        if (order == 0)
        {
            order = Nullable.Compare(a.Ingestion, b.Ingestion);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.Group, b.Group);
        }

        return order != 0 ? order : string.CompareOrdinal(a.Stream, b.Stream);
    }
}

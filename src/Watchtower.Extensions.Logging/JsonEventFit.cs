namespace Watchtower.Extensions.Logging;

/// <summary>
/// Makes a JSON event that is over the size limit fit, and keeps it valid JSON: the engine would otherwise cut it at
/// a byte count, mid-string. The message is cut first (it is what makes most events large), keeping at least its
/// first kilobyte; if that is not enough, the scopes, then the properties, then the exception's detail go, each
/// replaced by nothing; only then is the message cut further. The event then says <c>"truncated":true</c>.
/// </summary>
internal static class JsonEventFit
{
    // What a message keeps before whole fields are given up for it.
    private const int MessageKeptFirst = 1024;

    private static ReadOnlySpan<byte> TruncatedField => ",\"truncated\":true}"u8;

    private static readonly byte[] s_marker = System.Text.Encoding.UTF8.GetBytes(CloudWatchLogHandlerOptions.TruncationMarker);

    private static ReadOnlySpan<byte> Marker => s_marker;

    /// <summary>Fits the event in <paramref name="into"/> within <paramref name="maxBytes"/>; false if it could not (absurdly long fixed fields).</summary>
    /// <param name="into">The event, complete, ending with '}'.</param>
    /// <param name="layout">Where its parts are.</param>
    /// <param name="maxBytes">The limit.</param>
    /// <param name="compactException">Writes the exception as type and message only, as a field with its leading comma.</param>
    public static bool Fit(Utf8Buffer into, ref JsonLayout layout, int maxBytes, Action<Utf8Buffer>? compactException)
    {
        // The closing brace is written again after the "truncated" field.
        into.Truncate(into.Length - 1);
        maxBytes -= TruncatedField.Length;
        bool fits = TryCutMessage(into, ref layout, maxBytes, MessageKeptFirst)
            || (Remove(into, ref layout, layout.ScopesStart, layout.ScopesEnd) && TryCutMessage(into, ref layout, maxBytes, MessageKeptFirst))
            || (Remove(into, ref layout, layout.PropertiesStart, layout.PropertiesEnd) && TryCutMessage(into, ref layout, maxBytes, MessageKeptFirst))
            || (CompactException(into, ref layout, compactException) && TryCutMessage(into, ref layout, maxBytes, MessageKeptFirst))
            || TryCutMessage(into, ref layout, maxBytes, 0)
            || (Remove(into, ref layout, layout.TemplateStart, layout.TemplateEnd) && TryCutMessage(into, ref layout, maxBytes, 0))
            || (Remove(into, ref layout, layout.ExceptionStart, layout.ExceptionEnd) && TryCutMessage(into, ref layout, maxBytes, 0));
        into.Append(TruncatedField);
        return fits;
    }

    /// <summary>Cuts the message so that the event fits, keeping at least <paramref name="keepAtLeast"/> of its bytes (or all it has).</summary>
    private static bool TryCutMessage(Utf8Buffer into, ref JsonLayout layout, int maxBytes, int keepAtLeast)
    {
        int over = into.Length - maxBytes;
        if (over <= 0)
        {
            return true;
        }

        if (layout.MessageStart < 0)
        {
            return false;
        }

        int contentStart = layout.MessageStart + 1;
        int contentEnd = layout.MessageEnd - 1;
        int content = contentEnd - contentStart;
        int keep = content - over - Marker.Length;
        if (keep < Math.Min(keepAtLeast, content) || keep < 0)
        {
            return false;
        }

        int cut = CutPoint(into.Written, contentStart, contentEnd, contentStart + keep);
        Splice(into, ref layout, cut, contentEnd, Marker);
        return into.Length <= maxBytes;
    }

    /// <summary>
    /// The last position at or before <paramref name="limit"/> that is between two characters of the escaped string:
    /// never inside an escape sequence (\n, \", \u0001) or a UTF-8 sequence.
    /// </summary>
    internal static int CutPoint(ReadOnlySpan<byte> text, int start, int end, int limit)
    {
        int at = start;
        while (at < end)
        {
            byte b = text[at];
            int unit = b == (byte)'\\' ? (at + 1 < end && text[at + 1] == (byte)'u' ? 6 : 2)
                : b < 0x80 ? 1
                : b >= 0xF0 ? 4
                : b >= 0xE0 ? 3
                : 2;
            if (at + unit > limit)
            {
                break;
            }

            at += unit;
        }

        return at;
    }

    private static bool Remove(Utf8Buffer into, ref JsonLayout layout, int start, int end)
    {
        if (start >= 0)
        {
            Splice(into, ref layout, start, end, []);
        }

        // Always go on to the next step: a field that was not there was given up already.
        return true;
    }

    private static bool CompactException(Utf8Buffer into, ref JsonLayout layout, Action<Utf8Buffer>? compact)
    {
        if (layout.ExceptionStart < 0 || compact is null)
        {
            return true;
        }

        Utf8Buffer replacement = Utf8Buffer.Rent();
        try
        {
            compact(replacement);
            Splice(into, ref layout, layout.ExceptionStart, layout.ExceptionEnd, replacement.Written);
        }
        finally
        {
            Utf8Buffer.Return(replacement);
        }

        return true;
    }

    /// <summary>Replaces bytes [start, end) by <paramref name="replacement"/> and moves the offsets of what follows.</summary>
    private static void Splice(Utf8Buffer into, ref JsonLayout layout, int start, int end, ReadOnlySpan<byte> replacement)
    {
        byte[] tail = into.Written[end..].ToArray();
        into.Truncate(start);
        into.Append(replacement);
        into.Append(tail);
        layout.Shift(end, replacement.Length - (end - start));
        layout.ForgetEmptyFields();
    }
}

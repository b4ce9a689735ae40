using System.Buffers;
using System.Runtime.CompilerServices;
using Watchtower.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// JSON strings written by hand into a <see cref="Utf8Buffer"/>, for the fields every event has: the text is encoded
/// to UTF-8 once and escaped only where JSON requires (quote, backslash, control characters), with the engine's own
/// vectorised routines, which are fully optimised from the first event. Characters beyond ASCII go as their UTF-8
/// bytes. Values of any other shape are left to <see cref="System.Text.Json.Utf8JsonWriter"/>.
/// </summary>
internal static class JsonText
{
    /// <summary>Writes <paramref name="text"/> as a JSON string, quotes included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void String(Utf8Buffer into, ReadOnlySpan<char> text)
    {
        into.Append((byte)'"');
        int start = into.Length;
        into.Append(text);
        EscapeFrom(into, start);
        into.Append((byte)'"');
    }

    /// <summary>Writes <c>,"name":</c> (without the comma when <paramref name="first"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Name(Utf8Buffer into, ReadOnlySpan<char> name, bool first)
    {
        if (!first)
        {
            into.Append((byte)',');
        }

        String(into, name);
        into.Append((byte)':');
    }

    /// <summary>Escapes, in place, what was appended to <paramref name="into"/> from <paramref name="start"/> on.</summary>
    private static void EscapeFrom(Utf8Buffer into, int start)
    {
        int first = JsonEscaping.IndexOfFirstToEscape(into.Written[start..]);
        if (first < 0)
        {
            return;
        }

        // Rare in the fields written here (a quote or a line break in a message): copy the tail out and escape it back in.
        int at = start + first;
        int length = into.Length - at;
        byte[] tail = ArrayPool<byte>.Shared.Rent(length);
        into.Written.Slice(at, length).CopyTo(tail);
        into.Truncate(at);
        ReadOnlySpan<byte> raw = tail.AsSpan(0, length);
        int escaped = JsonEscaping.EscapedLength(raw);
        int written = JsonEscaping.WriteEscaped(raw, into.GetSpan(escaped + JsonEscaping.EscapeSlack));
        into.Advance(written);
        ArrayPool<byte>.Shared.Return(tail);
    }
}

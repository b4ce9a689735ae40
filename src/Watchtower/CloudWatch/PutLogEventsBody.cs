using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

using Watchtower.Text;

namespace Watchtower.CloudWatch;

/// <summary>
/// The PutLogEvents request body, written by hand straight into a byte buffer:
/// <c>{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"},…]}</c>.
/// Messages arrive as UTF-8 and are copied once, escaped only where JSON needs it (quote, backslash, control
/// characters), so that the body is written at memory speed and its message bytes are exactly the bytes counted.
/// </summary>
internal static class PutLogEventsBody
{
    /// <summary>The most bytes one event adds around its escaped message: <c>,{"timestamp":-62135596800000,"message":""}</c>.</summary>
    public const int MaxFraming = 48;

    /// <summary>The end of every body: the events array and the object close.</summary>
    public static ReadOnlySpan<byte> Suffix => "]}"u8;

    /// <summary>Everything before the first event, with both names escaped as JSON strings.</summary>
    public static byte[] Prefix(string logGroupName, string logStreamName)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + logGroupName.Length + logStreamName.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("logGroupName"u8, logGroupName);
            writer.WriteString("logStreamName"u8, logStreamName);
            writer.WriteStartArray("logEvents"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The most bytes <see cref="WriteEvent(Span{byte}, bool, long, ReadOnlySpan{byte})"/> writes for a message of <paramref name="escapedLength"/> escaped bytes.</summary>
    public static int FramedLength(int escapedLength) => MaxFraming + escapedLength + JsonEscaping.EscapeSlack;

    /// <summary>
    /// Writes one event, <c>{"timestamp":N,"message":"…"}</c>, preceded by a comma unless it is the first of its body.
    /// <paramref name="destination"/> must hold <see cref="FramedLength"/> of the message's <see cref="JsonEscaping.EscapedLength(ReadOnlySpan{byte})"/>.
    /// </summary>
    /// <returns>The bytes written, and where in them the event itself (after the comma) starts.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Written, int EventStart) WriteEvent(Span<byte> destination, bool first, long timestampMs, ReadOnlySpan<byte> utf8Message) =>
        WriteEvent(destination, first, timestampMs, utf8Message, JsonEscaping.IndexOfFirstToEscape(utf8Message));

    /// <summary>As <see cref="WriteEvent(Span{byte}, bool, long, ReadOnlySpan{byte})"/>, given where the message's first byte to escape is (-1 for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Written, int EventStart) WriteEvent(Span<byte> destination, bool first, long timestampMs, ReadOnlySpan<byte> utf8Message, int firstEscape)
    {
        int at = 0;
        if (!first)
        {
            destination[at++] = (byte)',';
        }

        int eventStart = at;
        "{\"timestamp\":"u8.CopyTo(destination[at..]);
        at += 13;
        Utf8Formatter.TryFormat(timestampMs, destination[at..], out int digits);
        at += digits;
        ",\"message\":\""u8.CopyTo(destination[at..]);
        at += 12;
        if (firstEscape < 0)
        {
            // Nearly every message: nothing to escape, one copy.
            utf8Message.CopyTo(destination[at..]);
            at += utf8Message.Length;
        }
        else
        {
            utf8Message[..firstEscape].CopyTo(destination[at..]);
            at += firstEscape;
            at += JsonEscaping.WriteEscaped(utf8Message[firstEscape..], destination[at..]);
        }

        destination[at++] = (byte)'"';
        destination[at++] = (byte)'}';
        return (at, eventStart);
    }

    /// <summary>The whole body for a list of events, for the client's public PutLogEvents.</summary>
    public static byte[] Write(string logGroupName, string logStreamName, IReadOnlyList<InputLogEvent> logEvents)
    {
        byte[] prefix = Prefix(logGroupName, logStreamName);
        var encoded = new byte[logEvents.Count][];
        long length = prefix.Length + Suffix.Length;
        for (int i = 0; i < logEvents.Count; i++)
        {
            // Invalid UTF-16 (a lone surrogate) becomes U+FFFD, so that the bytes sent are the bytes CloudWatch counts.
            encoded[i] = Encoding.UTF8.GetBytes(logEvents[i].Message ?? string.Empty);
            length += FramedLength(JsonEscaping.EscapedLength(encoded[i]));
        }

        byte[] body = new byte[length];
        prefix.CopyTo(body, 0);
        int at = prefix.Length;
        for (int i = 0; i < encoded.Length; i++)
        {
            at += WriteEvent(body.AsSpan(at), i == 0, logEvents[i].Timestamp.ToUnixTimeMilliseconds(), encoded[i]).Written;
        }

        Suffix.CopyTo(body.AsSpan(at));
        at += Suffix.Length;
        return at == body.Length ? body : body[..at];
    }

}

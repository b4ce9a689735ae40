using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;

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

    /// <summary>The bytes <paramref name="utf8"/> takes once escaped as the content of a JSON string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EscapedLength(ReadOnlySpan<byte> utf8) => EscapedLength(utf8, IndexOfFirstToEscape(utf8));

    /// <summary>As <see cref="EscapedLength(ReadOnlySpan{byte})"/>, given where the first byte to escape is (-1 for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int EscapedLength(ReadOnlySpan<byte> utf8, int first)
    {
        if (first < 0)
        {
            return utf8.Length;
        }

        int length = first;
        foreach (byte b in utf8[first..])
        {
            length += b switch
            {
                (byte)'"' or (byte)'\\' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\b' or (byte)'\f' => 2,
                < 0x20 => 6,
                _ => 1,
            };
        }

        return length;
    }

    /// <summary>The most bytes <see cref="WriteEvent(Span{byte}, bool, long, ReadOnlySpan{byte})"/> writes for a message of <paramref name="escapedLength"/> escaped bytes.</summary>
    public static int FramedLength(int escapedLength) => MaxFraming + escapedLength;

    /// <summary>
    /// Writes one event, <c>{"timestamp":N,"message":"…"}</c>, preceded by a comma unless it is the first of its body.
    /// <paramref name="destination"/> must hold <see cref="FramedLength"/> of the message's <see cref="EscapedLength(ReadOnlySpan{byte})"/>.
    /// </summary>
    /// <returns>The bytes written, and where in them the event itself (after the comma) starts.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Written, int EventStart) WriteEvent(Span<byte> destination, bool first, long timestampMs, ReadOnlySpan<byte> utf8Message) =>
        WriteEvent(destination, first, timestampMs, utf8Message, IndexOfFirstToEscape(utf8Message));

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
            at += WriteEscaped(utf8Message[firstEscape..], destination[at..]);
        }

        destination[at++] = (byte)'"';
        destination[at++] = (byte)'}';
        return (at, eventStart);
    }

    /// <summary>Copies UTF-8 text into a JSON string's content, escaping what JSON requires and nothing else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WriteEscaped(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            int next = IndexOfFirstToEscape(utf8);
            if (next < 0)
            {
                utf8.CopyTo(destination[written..]);
                return written + utf8.Length;
            }

            utf8[..next].CopyTo(destination[written..]);
            written += next;
            byte b = utf8[next];
            destination[written++] = (byte)'\\';
            switch (b)
            {
                case (byte)'"': destination[written++] = (byte)'"'; break;
                case (byte)'\\': destination[written++] = (byte)'\\'; break;
                case (byte)'\n': destination[written++] = (byte)'n'; break;
                case (byte)'\r': destination[written++] = (byte)'r'; break;
                case (byte)'\t': destination[written++] = (byte)'t'; break;
                case (byte)'\b': destination[written++] = (byte)'b'; break;
                case (byte)'\f': destination[written++] = (byte)'f'; break;
                default:
                    "u00"u8.CopyTo(destination[written..]);
                    destination[written + 3] = HexDigit(b >> 4);
                    destination[written + 4] = HexDigit(b & 0xF);
                    written += 5;
                    break;
            }

            utf8 = utf8[(next + 1)..];
        }
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
            length += FramedLength(EscapedLength(encoded[i]));
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

    /// <summary>
    /// The index of the first byte JSON requires escaped in a string (a control character, a quote or a backslash), or
    /// -1. Vectorised by hand rather than with SearchValues, whose generic search is compiled unoptimised until the
    /// runtime tiers it up, which a short-lived process never sees; this runs fully optimised from the first event.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfFirstToEscape(ReadOnlySpan<byte> utf8)
    {
        ref byte start = ref MemoryMarshal.GetReference(utf8);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && utf8.Length >= Vector256<byte>.Count)
        {
            Vector256<byte> space = Vector256.Create((byte)0x20);
            Vector256<byte> quote = Vector256.Create((byte)'"');
            Vector256<byte> backslash = Vector256.Create((byte)'\\');
            for (; i <= utf8.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256<byte> hits = Vector256.LessThan(v, space) | Vector256.Equals(v, quote) | Vector256.Equals(v, backslash);
                if (hits != Vector256<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated && utf8.Length >= Vector128<byte>.Count)
        {
            Vector128<byte> space = Vector128.Create((byte)0x20);
            Vector128<byte> quote = Vector128.Create((byte)'"');
            Vector128<byte> backslash = Vector128.Create((byte)'\\');
            for (; i <= utf8.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref start, (nuint)i);
                Vector128<byte> hits = Vector128.LessThan(v, space) | Vector128.Equals(v, quote) | Vector128.Equals(v, backslash);
                if (hits != Vector128<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < utf8.Length; i++)
        {
            byte b = Unsafe.Add(ref start, i);
            if (b < 0x20 || b == (byte)'"' || b == (byte)'\\')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the first control character (below 0x20), or -1; vectorised as <see cref="IndexOfFirstToEscape"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int IndexOfFirstControl(ReadOnlySpan<byte> utf8)
    {
        ref byte start = ref MemoryMarshal.GetReference(utf8);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> space = Vector256.Create((byte)0x20);
            for (; i <= utf8.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                Vector256<byte> hits = Vector256.LessThan(Vector256.LoadUnsafe(ref start, (nuint)i), space);
                if (hits != Vector256<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> space = Vector128.Create((byte)0x20);
            for (; i <= utf8.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                Vector128<byte> hits = Vector128.LessThan(Vector128.LoadUnsafe(ref start, (nuint)i), space);
                if (hits != Vector128<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(hits.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < utf8.Length; i++)
        {
            if (Unsafe.Add(ref start, i) < 0x20)
            {
                return i;
            }
        }

        return -1;
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);
}

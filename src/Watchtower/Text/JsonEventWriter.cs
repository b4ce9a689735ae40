using System.Buffers;
using System.Text.Json;

namespace Watchtower.Text;

/// <summary>
/// Writes a log event as the JSON object every Watchtower adapter ships: <c>timestamp</c> (UTC, milliseconds),
/// <c>level</c>, <c>category</c> (the logger name), <c>message</c>, <c>messageTemplate</c>, <c>properties</c> (written by
/// the adapter) and <c>exception</c> (by <see cref="ExceptionJson"/>). An event over the size limit is written again
/// without its template and properties, with the exception as type and message only, then with the message cut
/// (ending with <see cref="CloudWatchLogHandlerOptions.TruncationMarker"/>), so that what is stored is still valid JSON;
/// it then says <c>"truncated":true</c>. One instance per thread (<see cref="ForCurrentThread"/>): the event's bytes
/// are valid until the thread's next event, and writing them allocates nothing.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One per thread for the thread's life; the Utf8JsonWriter holds only managed buffers.")]
public sealed class JsonEventWriter
{
    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static JsonEventWriter? t_writer;

    private static readonly JsonWriterOptions s_options = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private readonly Utf8JsonWriter _writer = new(Stream.Null, s_options);

    private JsonEventWriter()
    {
    }

    /// <summary>The calling thread's writer.</summary>
    public static JsonEventWriter ForCurrentThread() => t_writer ??= new JsonEventWriter();

    /// <summary>Writes the event, fitted within <paramref name="maxBytes"/> (<see cref="CloudWatchLogHandler.MaxMessageBytes"/>).</summary>
    /// <typeparam name="TState">What <paramref name="writeProperties"/> needs, passed through without a closure.</typeparam>
    /// <param name="timestamp">When the event happened.</param>
    /// <param name="level">The level, as the framework names it.</param>
    /// <param name="category">The logger name.</param>
    /// <param name="message">The rendered message.</param>
    /// <param name="messageTemplate">The template or format string, if the framework has one.</param>
    /// <param name="exception">The exception, if any.</param>
    /// <param name="state">Passed to <paramref name="writeProperties"/>.</param>
    /// <param name="writeProperties">Writes the properties' names and values into the open <c>properties</c> object; null for none.</param>
    /// <param name="maxBytes">The most UTF-8 bytes the event may have.</param>
    /// <param name="truncated">Whether the event had to be cut to fit.</param>
    /// <returns>The event as UTF-8 JSON, valid until this thread's next call.</returns>
    public ReadOnlySpan<byte> Write<TState>(
        DateTimeOffset timestamp,
        string level,
        string category,
        scoped ReadOnlySpan<char> message,
        string? messageTemplate,
        Exception? exception,
        TState state,
        Action<Utf8JsonWriter, TState>? writeProperties,
        int maxBytes,
        out bool truncated)
    {
        var fields = new Fields<TState>(timestamp, level, category, messageTemplate, exception, state, writeProperties);
        truncated = false;
        ReadOnlySpan<byte> json = WriteOnce(fields, message, full: true);
        if (json.Length <= maxBytes)
        {
            return json;
        }

        truncated = true;
        json = WriteOnce(fields, message, full: false);
        return json.Length <= maxBytes ? json : WithMessageCut(fields, message.ToString(), maxBytes);
    }

    /// <summary>
    /// As much of the message as fits, ending with the marker: found by halving, since escaping makes a character
    /// anything from 1 to 12 bytes. Only for events over the limit, so the extra passes are rare.
    /// </summary>
    private ReadOnlySpan<byte> WithMessageCut<TState>(scoped in Fields<TState> fields, string message, int maxBytes)
    {
        int fits = 0;
        for (int low = 0, high = message.Length; low <= high;)
        {
            int mid = (low + high) / 2;
            if (WriteOnce(fields, Cut(message, mid), full: false).Length <= maxBytes)
            {
                fits = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return WriteOnce(fields, Cut(message, fits), full: false);
    }

    /// <summary>The first <paramref name="length"/> characters and the marker, never splitting a surrogate pair.</summary>
    private static string Cut(string text, int length)
    {
        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return string.Concat(text.AsSpan(0, length), CloudWatchLogHandlerOptions.TruncationMarker);
    }

    private ReadOnlySpan<byte> WriteOnce<TState>(scoped in Fields<TState> fields, scoped ReadOnlySpan<char> message, bool full)
    {
        _output.ResetWrittenCount();
        Utf8JsonWriter writer = _writer;
        writer.Reset(_output);
        writer.WriteStartObject();
        Span<byte> stamp = stackalloc byte[IsoTimestamp.Length];
        IsoTimestamp.Write(stamp, fields.Timestamp.UtcDateTime);
        writer.WriteString("timestamp"u8, stamp);
        writer.WriteString("level"u8, fields.Level);
        writer.WriteString("category"u8, fields.Category);
        writer.WriteString("message"u8, message);
        if (full && fields.MessageTemplate is { } template)
        {
            writer.WriteString("messageTemplate"u8, template);
        }

        if (full && fields.WriteProperties is { } writeProperties)
        {
            writer.WriteStartObject("properties"u8);
            writeProperties(writer, fields.State);
            writer.WriteEndObject();
        }

        if (fields.Exception is { } exception)
        {
            writer.WritePropertyName("exception"u8);
            if (full)
            {
                ExceptionJson.Write(writer, exception);
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, ExceptionChain.TypeName(exception));
                writer.WriteString("message"u8, ExceptionJson.SafeMessage(exception));
                writer.WriteEndObject();
            }
        }

        if (!full)
        {
            writer.WriteBoolean("truncated"u8, true);
        }

        writer.WriteEndObject();
        writer.Flush();
        return _output.WrittenSpan;
    }

    private readonly record struct Fields<TState>(
        DateTimeOffset Timestamp,
        string Level,
        string Category,
        string? MessageTemplate,
        Exception? Exception,
        TState State,
        Action<Utf8JsonWriter, TState>? WriteProperties);
}

using System.Buffers;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Turns one Microsoft.Extensions.Logging event into its CloudWatch message, as JSON or as a single line of text.
/// It only reads the caller's state, never changes it, and never throws: a value that cannot be written falls back
/// to its string form (watchtower's json_serialize_default), and a message that cannot be formatted says so.
/// </summary>
internal sealed class LogEventFormatter
{
    private const string OriginalFormatKey = "{OriginalFormat}";
    private const int MaxDepth = 8;

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Depth is limited by this formatter itself; the writer must not throw first.
        SkipValidation = true,
    };

    private static readonly JsonSerializerOptions s_objectOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        MaxDepth = MaxDepth,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly CloudWatchLogFormat _format;
    private readonly bool _includeScopes;

    public LogEventFormatter(CloudWatchLogFormat format, bool includeScopes)
    {
        _format = format;
        _includeScopes = includeScopes;
    }

    /// <summary>The event's message; empty (so that the handler counts it as empty) when it has neither text nor exception.</summary>
    public string Format<TState>(
        DateTimeOffset timestamp,
        string category,
        LogLevel level,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter,
        IExternalScopeProvider? scopes)
    {
        string message = SafeMessage(state, exception, formatter);
        if (message.Length == 0 && exception is null)
        {
            return string.Empty;
        }

        return _format == CloudWatchLogFormat.Json
            ? FormatJson(timestamp, category, level, eventId, state, exception, message, scopes)
            : FormatText(timestamp, category, level, eventId, exception, message, scopes);
    }

    private static string SafeMessage<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string? message;
        try
        {
            message = formatter(state, exception);
        }
        catch (Exception e)
        {
            string template = state is IReadOnlyList<KeyValuePair<string, object?>> values && SafeCount(values) > 0
                ? SafeRead(() => values[SafeCount(values) - 1].Value as string) ?? string.Empty
                : string.Empty;
            return $"[the message could not be formatted: {e.GetType().Name}: {e.Message}] {template}".TrimEnd();
        }

        // A state whose formatter gives only its type name says nothing: write the state itself (watchtower's dict messages).
        if (message is not null && state is not null && state is not string && state is not IReadOnlyList<KeyValuePair<string, object?>>
            && message == state.GetType().ToString())
        {
            return ValueToJson(state);
        }

        return message ?? string.Empty;
    }

    private string FormatJson<TState>(DateTimeOffset timestamp, string category, LogLevel level, EventId eventId, TState state, Exception? exception, string message, IExternalScopeProvider? scopes)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (message.Length * 2));
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("level", LevelName(level));
            writer.WriteString("category", category);
            if (eventId.Id != 0)
            {
                writer.WriteNumber("eventId", eventId.Id);
            }

            if (!string.IsNullOrEmpty(eventId.Name))
            {
                writer.WriteString("eventName", eventId.Name);
            }

            writer.WriteString("message", message);
            WriteState(writer, state);
            if (exception is not null)
            {
                writer.WritePropertyName("exception");
                WriteException(writer, exception, depth: 0);
            }

            if (_includeScopes && scopes is not null)
            {
                WriteScopes(writer, scopes);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteState<TState>(Utf8JsonWriter writer, TState state)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            bool opened = false;
            string? template = null;
            int count = SafeCount(values);
            for (int i = 0; i < count; i++)
            {
                KeyValuePair<string, object?> pair;
                try
                {
                    pair = values[i];
                }
                catch (Exception)
                {
                    // A template with more holes than arguments: the missing ones are simply absent.
                    continue;
                }

                if (pair.Key == OriginalFormatKey)
                {
                    template = pair.Value as string;
                    continue;
                }

                if (!opened)
                {
                    writer.WriteStartObject("properties");
                    opened = true;
                }

                writer.WritePropertyName(pair.Key);
                WriteValue(writer, pair.Value, depth: 1);
            }

            if (opened)
            {
                writer.WriteEndObject();
            }

            if (template is not null)
            {
                writer.WriteString("messageTemplate", template);
            }
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<string, object>> or IDictionary)
        {
            writer.WritePropertyName("properties");
            WriteValue(writer, state, depth: 1);
        }
        else if (state is not null && state is not string)
        {
            writer.WritePropertyName("state");
            WriteValue(writer, state, depth: 1);
        }
    }

    private static int SafeCount(IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        try
        {
            return values.Count;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private static void WriteScopes(Utf8JsonWriter writer, IExternalScopeProvider scopes)
    {
        bool opened = false;
        scopes.ForEachScope(
            (scope, w) =>
            {
                if (!opened)
                {
                    w.WriteStartArray("scopes");
                    opened = true;
                }

                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    w.WriteStartObject();
                    foreach (KeyValuePair<string, object?> pair in pairs)
                    {
                        if (pair.Key == OriginalFormatKey)
                        {
                            continue;
                        }

                        w.WritePropertyName(pair.Key);
                        WriteValue(w, pair.Value, depth: 2);
                    }

                    w.WritePropertyName("scope");
                    w.WriteStringValue(SafeToString(scope));
                    w.WriteEndObject();
                }
                else
                {
                    WriteValue(w, scope, depth: 1);
                }
            },
            writer);
        if (opened)
        {
            writer.WriteEndArray();
        }
    }

    private static void WriteException(Utf8JsonWriter writer, Exception exception, int depth)
    {
        writer.WriteStartObject();
        writer.WriteString("type", exception.GetType().FullName);
        writer.WriteString("message", SafeRead(() => exception.Message));
        string? stack = SafeRead(() => exception.StackTrace);
        if (stack is not null)
        {
            writer.WriteString("stackTrace", stack);
        }

        if (depth < MaxDepth)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 1)
            {
                writer.WriteStartArray("innerExceptions");
                foreach (Exception inner in aggregate.InnerExceptions)
                {
                    WriteException(writer, inner, depth + 1);
                }

                writer.WriteEndArray();
            }
            else if (exception.InnerException is { } inner)
            {
                writer.WritePropertyName("inner");
                WriteException(writer, inner, depth + 1);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value, int depth)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); return;
            case string s: writer.WriteStringValue(s); return;
            case bool b: writer.WriteBooleanValue(b); return;
            case int i: writer.WriteNumberValue(i); return;
            case long l: writer.WriteNumberValue(l); return;
            case short sh: writer.WriteNumberValue(sh); return;
            case byte by: writer.WriteNumberValue(by); return;
            case sbyte sb: writer.WriteNumberValue(sb); return;
            case ushort us: writer.WriteNumberValue(us); return;
            case uint ui: writer.WriteNumberValue(ui); return;
            case ulong ul: writer.WriteNumberValue(ul); return;
            case decimal m: writer.WriteNumberValue(m); return;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); return;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); return;
            case double or float: writer.WriteStringValue(SafeToString(value)); return;
            case DateTime dt: writer.WriteStringValue(dt.ToString("O", CultureInfo.InvariantCulture)); return;
            case DateTimeOffset dto: writer.WriteStringValue(dto.ToString("O", CultureInfo.InvariantCulture)); return;
            case TimeSpan ts: writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); return;
            case Guid g: writer.WriteStringValue(g); return;
            case Enum e: writer.WriteStringValue(SafeToString(e)); return;
            case char c: writer.WriteStringValue(c.ToString()); return;
            case Uri or Version or Type: writer.WriteStringValue(SafeToString(value)); return;
            case Exception ex: WriteException(writer, ex, depth); return;
            default: break;
        }

        if (depth >= MaxDepth)
        {
            writer.WriteStringValue(SafeToString(value));
            return;
        }

        try
        {
            switch (value)
            {
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    WriteObject(writer, pairs.ToList().Select(p => (p.Key, p.Value)), depth);
                    return;
                case IDictionary dictionary:
                    WriteObject(writer, dictionary.Cast<DictionaryEntry>().ToList().Select(e => (SafeToString(e.Key), e.Value)), depth);
                    return;
                case IEnumerable items:
                    var list = items.Cast<object?>().Take(1000).ToList();
                    writer.WriteStartArray();
                    foreach (object? item in list)
                    {
                        WriteValue(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                default:
                    writer.WriteRawValue(ValueToJson(value), skipInputValidation: true);
                    return;
            }
        }
        catch (Exception)
        {
            // Enumerating a collection threw: record what can be recorded.
            writer.WriteStringValue(SafeToString(value));
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, IEnumerable<(string Key, object? Value)> pairs, int depth)
    {
        writer.WriteStartObject();
        foreach ((string key, object? value) in pairs)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value, depth + 1);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// An arbitrary object as JSON, by reflection where the app allows it, else (or when serialising fails, throws,
    /// or recurses without end) as its string form in quotes. Always valid JSON.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection is used only when the app enables it (JsonSerializer.IsReflectionEnabledByDefault); otherwise the value's ToString is written.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    internal static string ValueToJson(object value)
    {
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            try
            {
                return JsonSerializer.Serialize(value, value.GetType(), s_objectOptions);
            }
            catch (Exception)
            {
                // Fall through to the string form, as watchtower's json_serialize_default does.
            }
        }

        return JsonSerializer.Serialize(SafeToString(value), s_objectOptions);
    }

    private string FormatText(DateTimeOffset timestamp, string category, LogLevel level, EventId eventId, Exception? exception, string message, IExternalScopeProvider? scopes)
    {
        var line = new StringBuilder(64 + category.Length + message.Length);
        AppendIsoTimestamp(line, timestamp.UtcDateTime);
        line.Append(' ').Append(LevelName(level))
            .Append(' ').Append(category);
        if (eventId.Id != 0 || !string.IsNullOrEmpty(eventId.Name))
        {
            line.Append('[').Append(eventId.Id.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(eventId.Name))
            {
                line.Append(':').Append(eventId.Name);
            }

            line.Append(']');
        }

        line.Append(": ");
        AppendOneLine(line, message);
        if (_includeScopes && scopes is not null)
        {
            scopes.ForEachScope((scope, text) => AppendOneLine(text.Append(" => "), SafeToString(scope)), line);
        }

        if (exception is not null)
        {
            AppendOneLine(line.Append(" | "), SafeToString(exception));
        }

        return line.ToString();
    }

    /// <summary>Writes yyyy-MM-ddTHH:mm:ss.fffZ without a format string to parse: this runs on the caller's thread.</summary>
    private static void AppendIsoTimestamp(StringBuilder line, DateTime utc)
    {
        Span<char> text = stackalloc char[24];
        Digits(text[..4], utc.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), utc.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), utc.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), utc.Second);
        text[19] = '.';
        Digits(text.Slice(20, 3), utc.Millisecond);
        text[23] = 'Z';
        line.Append(text);

        static void Digits(Span<char> into, int value)
        {
            for (int i = into.Length - 1; i >= 0; i--)
            {
                into[i] = (char)('0' + (value % 10));
                value /= 10;
            }
        }
    }

    // One event, one line: line breaks are written as \n so that the event stays whole and readable.
    private static void AppendOneLine(StringBuilder line, string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            line.Append(text);
            return;
        }

        foreach (char c in text)
        {
            switch (c)
            {
                case '\r': break;
                case '\n': line.Append("\\n"); break;
                default: line.Append(c); break;
            }
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace",
        LogLevel.Debug => "Debug",
        LogLevel.Information => "Information",
        LogLevel.Warning => "Warning",
        LogLevel.Error => "Error",
        LogLevel.Critical => "Critical",
        _ => level.ToString(),
    };

    private static string SafeToString(object? value)
    {
        try
        {
            return value?.ToString() ?? string.Empty;
        }
        catch (Exception e)
        {
            return $"[{value!.GetType().Name}.ToString() threw {e.GetType().Name}]";
        }
    }

    private static string? SafeRead(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e)
        {
            return $"[unreadable: {e.GetType().Name}]";
        }
    }
}

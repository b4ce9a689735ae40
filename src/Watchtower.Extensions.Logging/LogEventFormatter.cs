using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
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
    private const int MaxDepth = ExceptionChain.MaxDepth;

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

    private static SecondPrefix? s_secondPrefix;

    private readonly CloudWatchLogFormat _format;
    private readonly bool _includeScopes;
    private readonly int _maxMessageBytes;

    /// <param name="format">JSON or text.</param>
    /// <param name="includeScopes">Whether to write the logging scopes.</param>
    /// <param name="maxMessageBytes">The most UTF-8 bytes a message may have (the engine's limit less its 26 bytes): a JSON event is fitted within it here, so that it stays valid JSON.</param>
    public LogEventFormatter(CloudWatchLogFormat format, bool includeScopes, int maxMessageBytes = int.MaxValue)
    {
        _format = format;
        _includeScopes = includeScopes;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>
    /// Writes the event's message as UTF-8 into <paramref name="into"/>; writes nothing (so that the handler counts it as
    /// empty) when it has neither text nor exception.
    /// </summary>
    /// <returns>Whether the event was cut to fit the size limit (JSON only; the engine cuts text itself).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Format<TState>(
        Utf8Buffer into,
        DateTimeOffset timestamp,
        LoggerCategory category,
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
            return false;
        }

        if (_format == CloudWatchLogFormat.Json)
        {
            return FormatJson(into, timestamp, category, level, eventId, state, exception, message, scopes);
        }

        FormatText(into, timestamp, category, level, eventId, exception, message, scopes);
        return false;
    }

    /// <summary>
    /// What is shipped when formatting failed where no guard caught it (a bug of ours): the event's fixed fields and
    /// the failure, in the configured format, so that a JSON stream stays JSON.
    /// </summary>
    public string FormatFailure(DateTimeOffset timestamp, LoggerCategory category, LogLevel level, Exception failure)
    {
        string problem = $"[Watchtower could not format this {level} event from {category.Name}: {failure.GetType().Name}: {ExceptionChain.Read(() => failure.Message)}]";
        if (_format != CloudWatchLogFormat.Json)
        {
            return problem;
        }

        return JsonSerializer.Serialize(
            new Dictionary<string, string>
            {
                ["timestamp"] = timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["level"] = level.ToString(),
                ["category"] = category.Name,
                ["message"] = problem,
            },
            FailureJsonContext.Default.DictionaryStringString);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                ? ExceptionChain.Read(() => values[SafeCount(values) - 1].Value as string) ?? string.Empty
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

    /// <summary>
    /// The JSON line. The fields every event has are written by hand (see <see cref="JsonText"/>); values of other
    /// shapes (objects, collections, exceptions) by <see cref="Utf8JsonWriter"/>, each as a value of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FormatJson<TState>(Utf8Buffer into, DateTimeOffset timestamp, LoggerCategory category, LogLevel level, EventId eventId, TState state, Exception? exception, string message, IExternalScopeProvider? scopes)
    {
        JsonLayout layout = JsonLayout.Empty;
        into.Append("{\"timestamp\":\""u8);
        WriteIsoTimestamp(into.GetSpan(24), timestamp.UtcDateTime);
        into.Advance(24);
        into.Append("\",\"level\":\""u8);
        into.Append(LevelName(level));
        into.Append("\",\"category\":"u8);
        into.Append(category.JsonQuoted);
        if (eventId.Id != 0)
        {
            into.Append(",\"eventId\":"u8);
            Utf8Formatter.TryFormat(eventId.Id, into.GetSpan(11), out int digits);
            into.Advance(digits);
        }

        if (!string.IsNullOrEmpty(eventId.Name))
        {
            into.Append(",\"eventName\":"u8);
            JsonText.String(into, eventId.Name);
        }

        into.Append(",\"message\":"u8);
        layout.MessageStart = into.Length;
        JsonText.String(into, message);
        layout.MessageEnd = into.Length;
        WriteState(into, state, ref layout);
        if (exception is not null)
        {
            layout.ExceptionStart = into.Length;
            into.Append(",\"exception\":"u8);
            Utf8JsonWriter writer = into.JsonWriter(s_writerOptions);
            WriteException(writer, exception, depth: 0, ExceptionChain.NewSeenSet());
            writer.Flush();
            layout.ExceptionEnd = into.Length;
        }

        if (_includeScopes && scopes is not null)
        {
            layout.ScopesStart = into.Length;
            WriteScopes(into, scopes);
            layout.ScopesEnd = into.Length;
        }

        into.Append((byte)'}');
        if (into.Length <= _maxMessageBytes)
        {
            return false;
        }

        JsonEventFit.Fit(into, ref layout, _maxMessageBytes, exception is null ? null : buffer => WriteCompactException(buffer, exception));
        return true;
    }

    /// <summary>The exception as its type and the first kilobyte of its message, for an event that had to be cut to fit.</summary>
    private static void WriteCompactException(Utf8Buffer into, Exception exception)
    {
        into.Append(",\"exception\":{\"type\":"u8);
        JsonText.String(into, ExceptionChain.TypeName(exception));
        into.Append(",\"message\":"u8);
        string message = ExceptionChain.Read(() => exception.Message) ?? string.Empty;
        JsonText.String(into, message.Length > 1024 ? message[..1024] : message);
        into.Append((byte)'}');
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteState<TState>(Utf8Buffer into, TState state, ref JsonLayout layout)
    {
        layout.PropertiesStart = into.Length;
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
                    into.Append(",\"properties\":{"u8);
                }

                JsonText.Name(into, pair.Key ?? string.Empty, first: !opened);
                opened = true;
                WriteValue(into, pair.Value, depth: 1);
            }

            if (opened)
            {
                into.Append((byte)'}');
            }

            layout.PropertiesEnd = into.Length;
            if (template is not null)
            {
                layout.TemplateStart = into.Length;
                into.Append(",\"messageTemplate\":"u8);
                JsonText.String(into, template);
                layout.TemplateEnd = into.Length;
            }

            return;
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> or IEnumerable<KeyValuePair<string, object>> or IDictionary)
        {
            into.Append(",\"properties\":"u8);
            WriteValue(into, state, depth: 1);
        }
        else if (state is not null && state is not string)
        {
            into.Append(",\"state\":"u8);
            WriteValue(into, state, depth: 1);
        }

        layout.PropertiesEnd = into.Length;
    }

    /// <summary>A value: the common simple ones by hand, any other through <see cref="Utf8JsonWriter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteValue(Utf8Buffer into, object? value, int depth)
    {
        switch (value)
        {
            case null:
                into.Append("null"u8);
                return;
            case string s:
                JsonText.String(into, s);
                return;
            case bool b:
                into.Append(b ? "true"u8 : "false"u8);
                return;
            case int i:
                Utf8Formatter.TryFormat(i, into.GetSpan(11), out int intDigits);
                into.Advance(intDigits);
                return;
            case long l:
                Utf8Formatter.TryFormat(l, into.GetSpan(20), out int longDigits);
                into.Advance(longDigits);
                return;
            default:
                int mark = into.Length;
                try
                {
                    Utf8JsonWriter writer = into.JsonWriter(s_writerOptions);
                    WriteValue(writer, value, depth);
                    writer.Flush();
                }
                catch (Exception e)
                {
                    // Whatever was written of the value goes; its place holds a string that says why.
                    into.Truncate(mark);
                    JsonText.String(into, $"[this value could not be written: {e.GetType().Name}]");
                }

                return;
        }
    }

    private static void WriteScopes(Utf8Buffer into, IExternalScopeProvider scopes)
    {
        into.ScopesOpened = false;
        try
        {
            scopes.ForEachScope(static (scope, buffer) => WriteScope(buffer, scope), into);
        }
        catch (Exception)
        {
            // The scope provider itself failed between scopes: what was written of them is whole, and kept.
        }

        if (into.ScopesOpened)
        {
            into.Append((byte)']');
        }
    }

    /// <summary>One scope, as a value of the "scopes" array; if reading it throws, only it is replaced, by a string that says so.</summary>
    private static void WriteScope(Utf8Buffer buffer, object? scope)
    {
        buffer.Append(buffer.ScopesOpened ? ","u8 : ",\"scopes\":["u8);
        buffer.ScopesOpened = true;
        int start = buffer.Length;
        try
        {
            WriteScopeValue(buffer, scope);
        }
        catch (Exception e)
        {
            buffer.Truncate(start);
            JsonText.String(buffer, $"[this scope could not be written: {e.GetType().Name}: {ExceptionChain.Read(() => e.Message)}]");
        }
    }

    private static void WriteScopeValue(Utf8Buffer buffer, object? scope)
    {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    buffer.Append((byte)'{');
                    bool first = true;
                    foreach (KeyValuePair<string, object?> pair in pairs)
                    {
                        if (pair.Key == OriginalFormatKey)
                        {
                            continue;
                        }

                        JsonText.Name(buffer, pair.Key ?? string.Empty, first);
                        first = false;
                        WriteValue(buffer, pair.Value, depth: 2);
                    }

                    JsonText.Name(buffer, "scope", first);
                    JsonText.String(buffer, SafeToString(scope));
                    buffer.Append((byte)'}');
                }
                else
                {
                    WriteValue(buffer, scope, depth: 1);
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

    /// <summary>An exception and its inner exceptions, by <see cref="ExceptionChain"/>'s rules: bounded depth, cycles marked, what is left out counted.</summary>
    private static void WriteException(Utf8JsonWriter writer, Exception exception, int depth, HashSet<Exception> seen)
    {
        seen.Add(exception);
        writer.WriteStartObject();
        writer.WriteString("type", ExceptionChain.TypeName(exception));
        writer.WriteString("message", ExceptionChain.Read(() => exception.Message));
        string? stack = ExceptionChain.Read(() => exception.StackTrace);
        if (stack is not null)
        {
            writer.WriteString("stackTrace", stack);
        }

        IReadOnlyList<Exception> inners = ExceptionChain.InnersOf(exception);
        int omitted = 0;
        bool cycle = false;
        var written = new List<Exception>(inners.Count);
        foreach (Exception inner in inners)
        {
            if (seen.Contains(inner))
            {
                cycle = true;
            }
            else if (depth >= MaxDepth)
            {
                omitted += ExceptionChain.CountTree(inner, seen);
            }
            else
            {
                written.Add(inner);
            }
        }

        if (inners.Count > 1 && written.Count > 0)
        {
            writer.WriteStartArray("innerExceptions");
            foreach (Exception inner in written)
            {
                WriteException(writer, inner, depth + 1, seen);
            }

            writer.WriteEndArray();
        }
        else if (written.Count == 1)
        {
            writer.WritePropertyName("inner");
            WriteException(writer, written[0], depth + 1, seen);
        }

        if (cycle)
        {
            // The inner exception is one of the outer ones again: writing it would never end.
            writer.WriteBoolean("cycle", true);
        }

        if (omitted > 0)
        {
            writer.WriteNumber("omittedInnerExceptions", omitted);
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
            case Exception ex: WriteException(writer, ex, depth, ExceptionChain.NewSeenSet()); return;
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
                    // Through the dictionary's own enumerator: a generic dictionary's plain one yields KeyValuePairs, not DictionaryEntries.
                    var entries = new List<(string Key, object? Value)>();
                    IDictionaryEnumerator entry = dictionary.GetEnumerator();
                    while (entry.MoveNext())
                    {
                        entries.Add((SafeToString(entry.Key), entry.Value));
                    }

                    WriteObject(writer, entries, depth);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FormatText(Utf8Buffer line, DateTimeOffset timestamp, LoggerCategory category, LogLevel level, EventId eventId, Exception? exception, string message, IExternalScopeProvider? scopes)
    {
        // The timestamp, then " Level Category" as the logger keeps it ready for each level.
        ReadOnlySpan<byte> levelAndCategory = category.LevelAndCategory(level);
        Span<byte> start = line.GetSpan(24 + levelAndCategory.Length);
        WriteIsoTimestamp(start, timestamp.UtcDateTime);
        levelAndCategory.CopyTo(start[24..]);
        line.Advance(24 + levelAndCategory.Length);
        if (eventId.Id != 0 || !string.IsNullOrEmpty(eventId.Name))
        {
            line.Append((byte)'[');
            Utf8Formatter.TryFormat(eventId.Id, line.GetSpan(11), out int digits);
            line.Advance(digits);
            if (!string.IsNullOrEmpty(eventId.Name))
            {
                line.Append((byte)':');
                line.Append(eventId.Name);
            }

            line.Append((byte)']');
        }

        line.Append(": "u8);
        line.AppendOneLine(message);
        if (_includeScopes && scopes is not null)
        {
            scopes.ForEachScope(
                (scope, text) =>
                {
                    text.Append(" => "u8);
                    text.AppendOneLine(SafeToString(scope));
                },
                line);
        }

        if (exception is not null)
        {
            line.Append(" | "u8);
            line.AppendOneLine(SafeDescribe(exception));
        }
    }

    /// <summary>
    /// Writes yyyy-MM-ddTHH:mm:ss.fffZ (24 bytes) without a format string to parse: this runs on the caller's thread.
    /// Events come many to a second, so the part up to the second is made once per second and copied.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteIsoTimestamp(Span<byte> text, DateTime utc)
    {
        long ticks = utc.Ticks;
        long second = ticks / TimeSpan.TicksPerSecond;
        SecondPrefix? prefix = Volatile.Read(ref s_secondPrefix);
        if (prefix is null || prefix.Second != second)
        {
            prefix = new SecondPrefix(second, utc);
            Volatile.Write(ref s_secondPrefix, prefix);
        }

        prefix.Text.CopyTo(text);
        int ms = (int)(ticks % TimeSpan.TicksPerSecond / TimeSpan.TicksPerMillisecond);
        text[20] = (byte)('0' + (ms / 100));
        text[21] = (byte)('0' + (ms / 10 % 10));
        text[22] = (byte)('0' + (ms % 10));
        text[23] = (byte)'Z';
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss. for one second.</summary>
    private sealed class SecondPrefix
    {
        public SecondPrefix(long second, DateTime utc)
        {
            Second = second;
            utc.TryFormat(Text, out _, "yyyy-MM-dd'T'HH:mm:ss'.'", CultureInfo.InvariantCulture);
        }

        public long Second { get; }

        public byte[] Text { get; } = new byte[20];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ReadOnlySpan<byte> LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "Trace"u8,
        LogLevel.Debug => "Debug"u8,
        LogLevel.Information => "Information"u8,
        LogLevel.Warning => "Warning"u8,
        LogLevel.Error => "Error"u8,
        LogLevel.Critical => "Critical"u8,
        LogLevel.None => "None"u8,
        _ => System.Text.Encoding.UTF8.GetBytes(level.ToString()), // not a defined level: its number, as before
    };

    private static string SafeDescribe(Exception exception)
    {
        try
        {
            return ExceptionText.Describe(exception);
        }
        catch (Exception e)
        {
            return $"{ExceptionChain.TypeName(exception)} [could not be described: {e.GetType().Name}]";
        }
    }

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
}

using System.Buffers.Text;
using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Watchtower.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Turns one Microsoft.Extensions.Logging event into its CloudWatch message, as JSON or as a single line of text.
/// It only reads the caller's state, never changes it, and never throws: a value that cannot be written falls back
/// to its string form (watchtower's json_serialize_default), and a message that cannot be formatted says so.
/// </summary>
internal sealed class LogEventFormatter
{
    private const string OriginalFormatKey = "{OriginalFormat}";

    private readonly CloudWatchLogFormat _format;
    private readonly bool _includeScopes;
    private readonly int _maxMessageBytes;
    private readonly JsonValueWriter _values;

    /// <param name="format">JSON or text.</param>
    /// <param name="includeScopes">Whether to write the logging scopes.</param>
    /// <param name="maxMessageBytes">The most UTF-8 bytes a message may have (the engine's limit less its 26 bytes): a JSON event is fitted within it here, so that it stays valid JSON.</param>
    /// <param name="resolver">Contracts for objects logged as values (see <see cref="CloudWatchLoggerOptions.JsonTypeInfoResolver"/>).</param>
    public LogEventFormatter(CloudWatchLogFormat format, bool includeScopes, int maxMessageBytes = int.MaxValue, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver? resolver = null)
    {
        _format = format;
        _includeScopes = includeScopes;
        _maxMessageBytes = maxMessageBytes;
        _values = new JsonValueWriter(resolver);
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
        string problem = $"[Watchtower could not format this {level} event from {category.Name}: {failure.GetType().Name}: {Guard.Read(() => failure.Message)}]";
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
    private string SafeMessage<TState>(TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string? message;
        try
        {
            message = formatter(state, exception);
        }
        catch (Exception e)
        {
            string template = state is IReadOnlyList<KeyValuePair<string, object?>> values && SafeCount(values) > 0
                ? Guard.Read(() => values[SafeCount(values) - 1].Value as string) ?? string.Empty
                : string.Empty;
            return $"[the message could not be formatted: {e.GetType().Name}: {e.Message}] {template}".TrimEnd();
        }

        // A state whose formatter gives only its type name says nothing: write the state itself (watchtower's dict messages).
        if (message is not null && state is not null && state is not string && state is not IReadOnlyList<KeyValuePair<string, object?>>
            && message == state.GetType().ToString())
        {
            return _values.ToJson(state);
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
        IsoTimestamp.Write(into.GetSpan(IsoTimestamp.Length), timestamp.UtcDateTime);
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
            Utf8JsonWriter writer = into.JsonWriter(JsonValueWriter.WriterOptions);
            ExceptionJson.Write(writer, exception);
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
        string message = Guard.Read(() => exception.Message) ?? string.Empty;
        JsonText.String(into, message.Length > 1024 ? message[..1024] : message);
        into.Append((byte)'}');
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteState<TState>(Utf8Buffer into, TState state, ref JsonLayout layout)
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

                JsonText.Name(into, PropertyName(pair.Key), first: !opened);
                opened = true;
                _values.Write(into, pair.Value, depth: 1);
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
            _values.Write(into, state, depth: 1);
        }
        else if (state is not null && state is not string)
        {
            into.Append(",\"state\":"u8);
            _values.Write(into, state, depth: 1);
        }

        layout.PropertiesEnd = into.Length;
    }

    private void WriteScopes(Utf8Buffer into, IExternalScopeProvider scopes)
    {
        into.ScopesOpened = false;
        try
        {
            scopes.ForEachScope(static (scope, state) => state.Formatter.WriteScope(state.Buffer, scope), (Formatter: this, Buffer: into));
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
    private void WriteScope(Utf8Buffer buffer, object? scope)
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
            JsonText.String(buffer, $"[this scope could not be written: {e.GetType().Name}: {Guard.Read(() => e.Message)}]");
        }
    }

    /// <summary>
    /// A scope with properties is written once, as an object of them (its formatted text would repeat their values, and a
    /// dictionary's text is only its type name); a scope that has none (plain text, any other object) as its value.
    /// </summary>
    private void WriteScopeValue(Utf8Buffer buffer, object? scope)
    {
        if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            _values.Write(buffer, scope, depth: 1);
            return;
        }

        int start = buffer.Length;
        buffer.Append((byte)'{');
        bool first = true;
        foreach (KeyValuePair<string, object?> pair in pairs)
        {
            if (pair.Key == OriginalFormatKey)
            {
                continue;
            }

            JsonText.Name(buffer, PropertyName(pair.Key), first);
            first = false;
            _values.Write(buffer, pair.Value, depth: 2);
        }

        if (first)
        {
            // A template without holes: the text is all the scope says.
            buffer.Truncate(start);
            JsonText.String(buffer, Guard.ToText(scope));
            return;
        }

        buffer.Append((byte)'}');
    }

    /// <summary>
    /// A template's property name as it is written: without the '@' or '$' that Serilog-style templates put before a
    /// name to ask for destructuring or stringifying (<c>{@Order}</c> is the property "Order").
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<char> PropertyName(string? key) =>
        key is null ? [] : key.Length > 1 && (key[0] == '@' || key[0] == '$') ? key.AsSpan(1) : key;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FormatText(Utf8Buffer line, DateTimeOffset timestamp, LoggerCategory category, LogLevel level, EventId eventId, Exception? exception, string message, IExternalScopeProvider? scopes)
    {
        // The timestamp, then " Level Category" as the logger keeps it ready for each level.
        ReadOnlySpan<byte> levelAndCategory = category.LevelAndCategory(level);
        Span<byte> start = line.GetSpan(24 + levelAndCategory.Length);
        IsoTimestamp.Write(start, timestamp.UtcDateTime);
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
                    text.AppendOneLine(Guard.ToText(scope));
                },
                line);
        }

        if (exception is not null)
        {
            line.Append(" | "u8);
            line.AppendOneLine(ExceptionText.Describe(exception));
        }
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
}

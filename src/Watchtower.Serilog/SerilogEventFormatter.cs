using System.Globalization;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Watchtower.Text;

namespace Watchtower.Serilog;

/// <summary>
/// Turns a Serilog event into its CloudWatch message, as JSON (<see cref="JsonEventWriter"/>: the MEL provider's shape
/// where they overlap, fitted to the size limit), as a text line, or by the user's formatter, and hands it to the
/// engine. Buffers are kept per thread: formatting allocates only what Serilog's rendering does.
/// </summary>
internal sealed class SerilogEventFormatter
{
    private const int MaxDepth = ExceptionChain.MaxDepth;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static ThreadBuffers? t_buffers;

    private static readonly Action<Utf8JsonWriter, LogEvent> s_writeProperties = WriteProperties;

    private readonly CloudWatchSinkFormat _format;
    private readonly ITextFormatter? _formatter;
    private readonly int _maxMessageBytes;

    public SerilogEventFormatter(CloudWatchSinkFormat format, ITextFormatter? formatter, int maxMessageBytes)
    {
        _format = format;
        _formatter = formatter;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>The logger name: the event's <c>SourceContext</c>, or empty.</summary>
    public static string SourceContext(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue(global::Serilog.Core.Constants.SourceContextPropertyName, out LogEventPropertyValue? value)
        && value is ScalarValue { Value: string name } ? name : string.Empty;

    /// <summary>Formats <paramref name="logEvent"/> and hands it to <paramref name="handler"/> for <paramref name="stream"/>.</summary>
    public void Ship(CloudWatchLogHandler handler, LogEvent logEvent, string category, string stream)
    {
        ThreadBuffers buffers = t_buffers ??= new ThreadBuffers();
        StringWriter text = buffers.Text;
        text.GetStringBuilder().Clear();
        if (_formatter is not null)
        {
            _formatter.Format(logEvent, text);
            handler.EmitText(Trimmed(buffers, text.GetStringBuilder()), logEvent.Timestamp, stream);
            return;
        }

        logEvent.RenderMessage(text, CultureInfo.InvariantCulture);
        ReadOnlySpan<char> message = buffers.Chars(text.GetStringBuilder());
        if (_format == CloudWatchSinkFormat.Text)
        {
            handler.EmitText(TextEventLine.ForCurrentThread().Write(logEvent.Timestamp, LevelName(logEvent.Level), category, message, logEvent.Exception), logEvent.Timestamp, stream);
            return;
        }

        ReadOnlySpan<byte> json = JsonEventWriter.ForCurrentThread().Write(
            logEvent.Timestamp,
            LevelName(logEvent.Level),
            category,
            message,
            logEvent.MessageTemplate.Text,
            logEvent.Exception,
            logEvent,
            logEvent.Properties.Count > 0 ? s_writeProperties : null,
            _maxMessageBytes,
            out bool truncated);
        handler.EmitUtf8(json, logEvent.Timestamp, stream, truncated);
    }

    private static ReadOnlySpan<char> Trimmed(ThreadBuffers buffers, StringBuilder text)
    {
        ReadOnlySpan<char> chars = buffers.Chars(text);
        return chars.TrimEnd("\r\n");
    }

    private static void WriteProperties(Utf8JsonWriter writer, LogEvent logEvent)
    {
        foreach (KeyValuePair<string, LogEventPropertyValue> property in logEvent.Properties)
        {
            writer.WritePropertyName(property.Key);
            WriteValue(writer, property.Value, depth: 1);
        }
    }

    /// <summary>A property value as JSON: scalars as what they are, sequences as arrays, structures and dictionaries as objects.</summary>
    private static void WriteValue(Utf8JsonWriter writer, LogEventPropertyValue value, int depth)
    {
        if (depth > MaxDepth)
        {
            writer.WriteStringValue("[deeper than 8 levels]");
            return;
        }

        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(writer, scalar.Value);
                break;
            case SequenceValue sequence:
                writer.WriteStartArray();
                foreach (LogEventPropertyValue element in sequence.Elements)
                {
                    WriteValue(writer, element, depth + 1);
                }

                writer.WriteEndArray();
                break;
            case StructureValue structure:
                writer.WriteStartObject();
                if (structure.TypeTag is { } tag)
                {
                    writer.WriteString("$type"u8, tag);
                }

                foreach (LogEventProperty property in structure.Properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                writer.WriteStartObject();
                foreach (KeyValuePair<ScalarValue, LogEventPropertyValue> entry in dictionary.Elements)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key.Value, CultureInfo.InvariantCulture) ?? "null");
                    WriteValue(writer, entry.Value, depth + 1);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteStringValue(Read(value.ToString));
                break;
        }
    }

    // Scalars are plain values (numbers, strings, times, GUIDs …): written by the rules every adapter shares.
    private static void WriteScalar(Utf8JsonWriter writer, object? value) => PropertyJson.WriteValue(writer, value);

    private static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "Verbose",
        LogEventLevel.Debug => "Debug",
        LogEventLevel.Information => "Information",
        LogEventLevel.Warning => "Warning",
        LogEventLevel.Error => "Error",
        LogEventLevel.Fatal => "Fatal",
        _ => level.ToString(),
    };

    private static string Read(Func<string?> read)
    {
        try
        {
            return read() ?? string.Empty;
        }
        catch (Exception e)
        {
            return $"[unreadable: {e.GetType().Name}]";
        }
    }

    /// <summary>What one thread formats into, reused for every event it logs.</summary>
    private sealed class ThreadBuffers
    {
        private char[] _chars = new char[1024];

        public StringWriter Text { get; } = new(CultureInfo.InvariantCulture);

        /// <summary>The builder's text as a span over a reused array (a StringBuilder's chunks are not contiguous).</summary>
        public ReadOnlySpan<char> Chars(StringBuilder text)
        {
            if (_chars.Length < text.Length)
            {
                _chars = new char[Math.Max(text.Length, _chars.Length * 2)];
            }

            text.CopyTo(0, _chars, text.Length);
            return _chars.AsSpan(0, text.Length);
        }
    }
}

using System.Buffers.Text;
using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Watchtower.Text;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Writes the values of an event as JSON: the common simple ones by hand into the event's buffer, the others (objects,
/// collections, exceptions) through <see cref="Utf8JsonWriter"/>. Never throws: a value that cannot be written is
/// replaced, where it stands, by a string that says why, or by its string form.
/// </summary>
internal sealed class JsonValueWriter
{
    public const int MaxDepth = ExceptionChain.MaxDepth;

    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Depth is limited by this writer itself; the writer must not throw first.
        SkipValidation = true,
    };

    private static readonly JsonSerializerOptions s_reflectionOptions = NewObjectOptions(resolver: null);

    // A value's string form, for one that cannot be written as itself: relaxed escaping, as everywhere else.
    private static readonly JsonTypeInfo<string> s_string = (JsonTypeInfo<string>)new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = JsonStringContext.Default,
    }.GetTypeInfo(typeof(string));

    // With the application's resolver, when it gave one: the contracts it knows for the types it logs.
    private readonly JsonSerializerOptions? _resolved;
    private readonly JsonSerializerContext? _context;

    /// <param name="resolver">Contracts for objects logged as values (a source-generated JsonSerializerContext); null for none.</param>
    public JsonValueWriter(IJsonTypeInfoResolver? resolver)
    {
        _context = resolver as JsonSerializerContext;
        _resolved = resolver is null || _context is not null ? null : NewObjectOptions(resolver);
    }

    /// <summary>A value: the common simple ones by hand, any other through <see cref="Utf8JsonWriter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(Utf8Buffer into, object? value, int depth)
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
                    Utf8JsonWriter writer = into.JsonWriter(WriterOptions);
                    Write(writer, value, depth);
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

    public void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        // The plain values every format writes alike; then what only this provider writes as itself.
        if (PropertyJson.TryWriteScalar(writer, value))
        {
            return;
        }

        switch (value)
        {
            case sbyte sb: writer.WriteNumberValue(sb); return;
            case ushort us: writer.WriteNumberValue(us); return;
            case double or float: writer.WriteStringValue(Guard.ToText(value)); return;
            case char c: writer.WriteStringValue(c.ToString()); return;
            case Uri or Version or Type: writer.WriteStringValue(Guard.ToText(value)); return;
            case Exception ex: ExceptionJson.Write(writer, ex); return;
            default: break;
        }

        if (depth >= MaxDepth)
        {
            writer.WriteStringValue(Guard.ToText(value));
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
                        entries.Add((Guard.ToText(entry.Key), entry.Value));
                    }

                    WriteObject(writer, entries, depth);
                    return;
                case IEnumerable items:
                    var list = items.Cast<object?>().Take(1000).ToList();
                    writer.WriteStartArray();
                    foreach (object? item in list)
                    {
                        Write(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                default:
                    writer.WriteRawValue(ToJson(value), skipInputValidation: true);
                    return;
            }
        }
        catch (Exception)
        {
            // Enumerating a collection threw: record what can be recorded.
            writer.WriteStringValue(Guard.ToText(value));
        }
    }

    private void WriteObject(Utf8JsonWriter writer, IEnumerable<(string Key, object? Value)> pairs, int depth)
    {
        writer.WriteStartObject();
        foreach ((string key, object? value) in pairs)
        {
            writer.WritePropertyName(key);
            Write(writer, value, depth + 1);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// An arbitrary object as JSON: through the <see cref="CloudWatchLoggerOptions.JsonTypeInfoResolver"/> for the types it
    /// knows, else by reflection where the application allows it, else (or when serialising fails, throws, or recurses
    /// without end) as its string form in quotes. Always valid JSON.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection is used only when the app enables it (JsonSerializer.IsReflectionEnabledByDefault, false under Native AOT and trimming); otherwise the resolver the app gave, or the value's ToString, is used.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    public string ToJson(object value)
    {
        try
        {
            // A context serialises as its own options say (its naming policy, its converters); another resolver with ours.
            JsonTypeInfo? contract = _context is not null ? _context.GetTypeInfo(value.GetType())
                : _resolved is { } resolved ? resolved.TypeInfoResolver!.GetTypeInfo(value.GetType(), resolved)
                : null;
            if (contract is not null)
            {
                return JsonSerializer.Serialize(value, contract);
            }

            if (JsonSerializer.IsReflectionEnabledByDefault)
            {
                return JsonSerializer.Serialize(value, value.GetType(), s_reflectionOptions);
            }
        }
        catch (Exception)
        {
            // Fall through to the string form, as watchtower's json_serialize_default does.
        }

        return JsonSerializer.Serialize(Guard.ToText(value), s_string);
    }

    private static JsonSerializerOptions NewObjectOptions(IJsonTypeInfoResolver? resolver)
    {
        var options = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            ReferenceHandler = ReferenceHandler.IgnoreCycles,
            MaxDepth = MaxDepth,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        if (resolver is not null)
        {
            options.TypeInfoResolver = resolver;
        }

        return options;
    }
}

using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Watchtower.NLog;

/// <summary>
/// NLog's property values as JSON: numbers, booleans, strings, times and GUIDs as what they are; dictionaries as objects;
/// other sequences as arrays; anything else as its string form (no reflection, so the same under trimming and AOT).
/// Never throws: a value whose ToString or enumeration throws is written as a note saying so.
/// </summary>
internal static class PropertyJson
{
    private const int MaxDepth = 8;

    /// <summary>Writes every property into the open <c>properties</c> object.</summary>
    public static void WriteAll(Utf8JsonWriter writer, IDictionary<string, object?> properties)
    {
        foreach (KeyValuePair<string, object?> property in properties)
        {
            writer.WritePropertyName(property.Key);
            Write(writer, property.Value, depth: 1);
        }
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        try
        {
            WriteValue(writer, value, depth);
        }
        catch (Exception e)
        {
            writer.WriteStringValue($"[unwritable {value?.GetType().Name}: {e.GetType().Name}]");
        }
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
            case short s16: writer.WriteNumberValue(s16); return;
            case byte u8: writer.WriteNumberValue(u8); return;
            case uint u32: writer.WriteNumberValue(u32); return;
            case ulong u64: writer.WriteNumberValue(u64); return;
            case decimal m: writer.WriteNumberValue(m); return;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); return;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); return;
            case DateTime t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); return;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); return;
            case Guid g: writer.WriteStringValue(g); return;
            case TimeSpan span: writer.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture)); return;
            case Enum e: writer.WriteStringValue(e.ToString()); return;
        }

        if (depth >= MaxDepth)
        {
            writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
            return;
        }

        if (value is IDictionary dictionary)
        {
            writer.WriteStartObject();
            foreach (DictionaryEntry entry in dictionary)
            {
                writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "null");
                Write(writer, entry.Value, depth + 1);
            }

            writer.WriteEndObject();
            return;
        }

        if (value is IEnumerable sequence)
        {
            writer.WriteStartArray();
            foreach (object? element in sequence)
            {
                Write(writer, element, depth + 1);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
    }
}

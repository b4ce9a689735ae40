using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Watchtower.Text;

/// <summary>
/// Property values of any logging framework as JSON, for adapters whose values are plain objects (NLog's, log4net's): numbers, booleans, strings, times and GUIDs as what they are; dictionaries as objects;
/// other sequences as arrays; anything else as its string form (no reflection, so the same under trimming and AOT).
/// Never throws: a value whose ToString or enumeration throws is written as a note saying so.
/// </summary>
public static class PropertyJson
{
    private const int MaxDepth = 8;

    /// <summary>Writes every property into the open <c>properties</c> object.</summary>
    /// <param name="writer">The writer, inside an object.</param>
    /// <param name="properties">The properties' names and values.</param>
    public static void WriteAll(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(properties);
        foreach (KeyValuePair<string, object?> property in properties)
        {
            writer.WritePropertyName(property.Key);
            Write(writer, property.Value, depth: 1);
        }
    }

    /// <summary>Writes one value as the writer's next value.</summary>
    /// <param name="writer">The writer, where a value is due.</param>
    /// <param name="value">The value.</param>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(writer, value, depth: 1);
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        try
        {
            WriteAny(writer, value, depth);
        }
        catch (Exception e)
        {
            writer.WriteStringValue($"[unwritable {value?.GetType().Name}: {e.GetType().Name}]");
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> if it is one of the plain values every Watchtower format writes the same way:
    /// null, strings, booleans, finite numbers as numbers; times (round-trip <c>O</c>), durations (<c>c</c>), GUIDs and
    /// enum names as strings. The MEL provider and the adapters start from it.
    /// </summary>
    /// <param name="writer">The writer, where a value is due.</param>
    /// <param name="value">The value.</param>
    /// <returns>Whether it was one of them (and is written); false, with nothing written, for any other value.</returns>
    public static bool TryWriteScalar(Utf8JsonWriter writer, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null: writer.WriteNullValue(); return true;
            case string s: writer.WriteStringValue(s); return true;
            case bool b: writer.WriteBooleanValue(b); return true;
            case int i: writer.WriteNumberValue(i); return true;
            case long l: writer.WriteNumberValue(l); return true;
            case short s16: writer.WriteNumberValue(s16); return true;
            case byte u8: writer.WriteNumberValue(u8); return true;
            case uint u32: writer.WriteNumberValue(u32); return true;
            case ulong u64: writer.WriteNumberValue(u64); return true;
            case decimal m: writer.WriteNumberValue(m); return true;
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); return true;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); return true;
            case DateTime t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); return true;
            case DateTimeOffset t: writer.WriteStringValue(t.ToString("O", CultureInfo.InvariantCulture)); return true;
            case Guid g: writer.WriteStringValue(g); return true;
            case TimeSpan span: writer.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture)); return true;
            case Enum e: writer.WriteStringValue(e.ToString()); return true;
            default: return false;
        }
    }

    private static void WriteAny(Utf8JsonWriter writer, object? value, int depth)
    {
        if (TryWriteScalar(writer, value))
        {
            return;
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

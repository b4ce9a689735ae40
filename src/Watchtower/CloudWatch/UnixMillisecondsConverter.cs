using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watchtower.CloudWatch;

/// <summary>CloudWatch Logs times are JSON integers counting milliseconds since the Unix epoch.</summary>
internal sealed class UnixMillisecondsConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => false;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            // Some emulators write times as floating-point numbers.
            JsonTokenType.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)reader.GetDouble()),
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a time in epoch milliseconds, found {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteNumberValue(time.ToUnixTimeMilliseconds());
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

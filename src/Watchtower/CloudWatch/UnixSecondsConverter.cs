using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watchtower.CloudWatch;

/// <summary>Logs Insights query times (StartQuery) are JSON integers counting seconds since the Unix epoch.</summary>
internal sealed class UnixSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number
            ? DateTimeOffset.FromUnixTimeSeconds(reader.TryGetInt64(out long seconds) ? seconds : (long)reader.GetDouble())
            : throw new JsonException($"Expected a time in epoch seconds, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeSeconds());
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watchtower.CloudWatch;

// Small request shapes that need no public type of their own.
internal sealed record LogGroupNameBody(string LogGroupName);

internal sealed record LogStreamBody(string LogGroupName, string LogStreamName);

internal sealed record RetentionBody(string LogGroupName, int RetentionInDays);

internal sealed record ResourceArnBody(string ResourceArn);

internal sealed record TagResourceBody(string ResourceArn, IDictionary<string, string> Tags);

internal sealed class ListTagsResponseBody
{
    public Dictionary<string, string>? Tags { get; init; }
}

/// <summary>
/// Source-generated (trim- and AOT-safe) JSON for every shape the client sends or reads, in the
/// service's camelCase, leaving out nulls so that optional members are absent rather than null.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LogGroupNameBody))]
[JsonSerializable(typeof(LogStreamBody))]
[JsonSerializable(typeof(RetentionBody))]
[JsonSerializable(typeof(ResourceArnBody))]
[JsonSerializable(typeof(TagResourceBody))]
[JsonSerializable(typeof(ListTagsResponseBody))]
[JsonSerializable(typeof(CreateLogGroupRequest))]
[JsonSerializable(typeof(PutLogEventsResponse))]
[JsonSerializable(typeof(DescribeLogGroupsRequest))]
[JsonSerializable(typeof(DescribeLogGroupsResponse))]
[JsonSerializable(typeof(DescribeLogStreamsRequest))]
[JsonSerializable(typeof(DescribeLogStreamsResponse))]
[JsonSerializable(typeof(GetLogEventsRequest))]
[JsonSerializable(typeof(GetLogEventsResponse))]
[JsonSerializable(typeof(FilterLogEventsRequest))]
[JsonSerializable(typeof(FilterLogEventsResponse))]
internal sealed partial class CloudWatchJsonContext : JsonSerializerContext
{
}

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

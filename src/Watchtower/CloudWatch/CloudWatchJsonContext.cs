using System.Text.Json.Serialization;

namespace Watchtower.CloudWatch;

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
[JsonSerializable(typeof(StartQueryRequest))]
[JsonSerializable(typeof(StartQueryResponse))]
[JsonSerializable(typeof(QueryIdBody))]
[JsonSerializable(typeof(GetQueryResultsResponse))]
[JsonSerializable(typeof(StopQueryResponseBody))]
internal sealed partial class CloudWatchJsonContext : JsonSerializerContext
{
}

namespace Watchtower.Throughput;

/// <summary>What the endpoint has seen: events, PutLogEvents requests and their body bytes, and the bytes they counted.</summary>
public readonly record struct EndpointCounts(long Events, long PutRequests, long BodyBytes, long CountedBytes);

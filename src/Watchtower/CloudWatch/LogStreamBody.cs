namespace Watchtower.CloudWatch;

internal sealed record LogStreamBody(string LogGroupName, string LogStreamName);

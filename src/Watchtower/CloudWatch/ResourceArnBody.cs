namespace Watchtower.CloudWatch;

internal sealed record ResourceArnBody(string ResourceArn);

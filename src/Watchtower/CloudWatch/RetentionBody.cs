namespace Watchtower.CloudWatch;

internal sealed record RetentionBody(string LogGroupName, int RetentionInDays);

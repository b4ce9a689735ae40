namespace Watchtower.CloudWatch;

/// <summary>A request naming only a log group (DeleteLogGroup, DeleteRetentionPolicy).</summary>
internal sealed record LogGroupNameBody(string LogGroupName);

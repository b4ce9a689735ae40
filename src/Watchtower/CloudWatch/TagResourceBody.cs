namespace Watchtower.CloudWatch;

internal sealed record TagResourceBody(string ResourceArn, IDictionary<string, string> Tags);

namespace Watchtower.Extensions.Logging;

/// <summary>
/// Configures the CloudWatch logging provider: everything <see cref="CloudWatchLogHandlerOptions"/> sets, plus how
/// events are formatted. Bound from the <c>Logging:CloudWatch</c> configuration section by <c>AddCloudWatch()</c>;
/// levels are filtered as for every provider, with <c>Logging:CloudWatch:LogLevel</c>.
/// </summary>
public sealed class CloudWatchLoggerOptions : CloudWatchLogHandlerOptions
{
    /// <summary>The message format. The default is <see cref="CloudWatchLogFormat.Json"/>.</summary>
    public CloudWatchLogFormat Format { get; set; } = CloudWatchLogFormat.Json;

    /// <summary>Whether to include the logging scopes around each event. The default is true.</summary>
    public bool IncludeScopes { get; set; } = true;
}

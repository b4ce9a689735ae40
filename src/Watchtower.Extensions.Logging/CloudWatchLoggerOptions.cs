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

    /// <summary>
    /// Where the JSON format finds contracts for objects logged as values (<c>{@Order}</c>, or an object as the state):
    /// a source-generated <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> that lists the types, for
    /// applications published with Native AOT or trimming. For types it does not know, the formatter uses reflection
    /// where the application allows it (<see cref="System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault"/>:
    /// JIT builds) and otherwise writes the object's <see cref="object.ToString"/>. Set in code only. The default is
    /// null: reflection where allowed, else ToString.
    /// </summary>
    public System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver? JsonTypeInfoResolver { get; set; }

    /// <summary>Values from configuration that could not be used, each with its section path; reported at startup with the rest.</summary>
    internal List<string> ConfigurationProblems { get; } = [];
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;
using Watchtower.Extensions.Logging;

namespace Microsoft.Extensions.Logging;

/// <summary>Adds the CloudWatch Logs provider to a logging builder.</summary>
public static class CloudWatchLoggerExtensions
{
    /// <summary>
    /// Ships log events to Amazon CloudWatch Logs, configured from the <c>Logging:CloudWatch</c> section
    /// (group, stream template, retention, tags, batching, format; levels under <c>Logging:CloudWatch:LogLevel</c>).
    /// Calling it more than once adds one provider. The provider is also registered as itself, to reach
    /// <see cref="CloudWatchLoggerProvider.FlushAsync"/>: <c>services.GetRequiredService&lt;CloudWatchLoggerProvider&gt;()</c>.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILoggingBuilder AddCloudWatch(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConfiguration();
        // The provider is a service of its own too, so that the application can flush it:
        // services.GetRequiredService<CloudWatchLoggerProvider>().FlushAsync().
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, CloudWatchLoggerProvider>());
        builder.Services.TryAddSingleton(static services => services.GetServices<ILoggerProvider>().OfType<CloudWatchLoggerProvider>().First());

        // Bound by hand from the known keys, not by the reflection binder: the same under JIT, trimming and Native AOT.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CloudWatchLoggerOptions>, CloudWatchLoggerConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<CloudWatchLoggerOptions>, LoggerProviderOptionsChangeTokenSource<CloudWatchLoggerOptions, CloudWatchLoggerProvider>>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudWatchLoggerOptions>, CloudWatchLoggerOptionsValidator>());
        return builder;
    }

    /// <summary>
    /// Ships log events to Amazon CloudWatch Logs: binds the <c>Logging:CloudWatch</c> section, then applies
    /// <paramref name="configure"/>, as <c>AddConsole(configure)</c> does.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Changes to the options, applied after configuration.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILoggingBuilder AddCloudWatch(this ILoggingBuilder builder, Action<CloudWatchLoggerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddCloudWatch();
        builder.Services.Configure(configure);
        return builder;
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Watchtower.Extensions.Logging;

/// <summary>
/// The Microsoft.Extensions.Logging provider for Amazon CloudWatch Logs, registered by <c>AddCloudWatch()</c>.
/// One provider owns one <see cref="CloudWatchLogHandler"/>; disposing the provider (the host does so at shutdown)
/// delivers what is queued within <see cref="CloudWatchLogHandlerOptions.ShutdownTimeout"/>.
/// </summary>
[ProviderAlias("CloudWatch")]
public sealed class CloudWatchLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, CloudWatchLogger> _loggers = new(StringComparer.Ordinal);
    private readonly CloudWatchLogHandler _handler;
    private readonly LogEventFormatter _formatter;
    private readonly TimeProvider _timeProvider;
    private IExternalScopeProvider? _scopeProvider;

    /// <summary>Creates the provider from the options bound to <c>Logging:CloudWatch</c>.</summary>
    /// <param name="options">The options; their value when the provider is created is used for its lifetime.</param>
    public CloudWatchLoggerProvider(IOptionsMonitor<CloudWatchLoggerOptions> options)
        : this(options?.CurrentValue ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Creates the provider from options set in code.</summary>
    /// <param name="options">The options.</param>
    public CloudWatchLoggerProvider(CloudWatchLoggerOptions options)
        : this(options, new CloudWatchLogHandler(options ?? throw new ArgumentNullException(nameof(options))), TimeProvider.System)
    {
    }

    /// <summary>The provider on a handler made for it (by the tests, on a fake clock); it formats with these options.</summary>
    internal CloudWatchLoggerProvider(CloudWatchLoggerOptions options, CloudWatchLogHandler handler, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _handler = handler;
        _formatter = new LogEventFormatter(options.Format, options.IncludeScopes, handler.MaxMessageBytes, options.JsonTypeInfoResolver);
    }

    internal CloudWatchLogHandler Handler => _handler;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, provider) => new CloudWatchLogger(name, provider), this);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopeProvider = scopeProvider;

    /// <summary>Delivers every event logged before this call; see <see cref="CloudWatchLogHandler.FlushAsync"/>.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _handler.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _handler.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _handler.DisposeAsync();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Write<TState>(CloudWatchLogger logger, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        DateTimeOffset timestamp = _timeProvider.GetUtcNow();
        string streamName = logger.StreamName.For(timestamp);
        Utf8Buffer buffer = Utf8Buffer.Rent();
        bool truncated;
        try
        {
            // Formatted straight into UTF-8 on the caller's thread: the state is only valid during this call.
            truncated = _formatter.Format(buffer, timestamp, logger.Category, level, eventId, state, exception, formatter, _scopeProvider);
        }
        catch (Exception e)
        {
            // The formatter guards every step; this is the last line of defence, since MEL rethrows into the caller.
            Utf8Buffer.Return(buffer);
            _handler.EmitText(_formatter.FormatFailure(timestamp, logger.Category, level, e), timestamp, streamName);
            return;
        }

        _handler.EmitUtf8(buffer.Written, timestamp, streamName, truncated);
        Utf8Buffer.Return(buffer);
    }

    internal sealed class CloudWatchLogger : ILogger
    {
        private readonly CloudWatchLoggerProvider _provider;

        // The AWS SDK's debug chatter is never shipped, as watchtower filters botocore and urllib3.
        private readonly bool _isAwsSdkCategory;

        public CloudWatchLogger(string category, CloudWatchLoggerProvider provider)
        {
            _provider = provider;
            Category = new LoggerCategory(category);
            StreamName = provider._handler.GetStreamName(category);
            _isAwsSdkCategory = category.StartsWith("Amazon", StringComparison.Ordinal) || category.StartsWith("AWSSDK", StringComparison.Ordinal);
        }

        public LoggerCategory Category { get; }

        public CloudWatchStreamName StreamName { get; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => _provider._scopeProvider?.Push(state);

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None
            && !CloudWatchLogHandler.IsSenderContext
            && !(_isAwsSdkCategory && logLevel <= LogLevel.Debug);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The library never logs into itself: events raised on the sender's own path (HttpClient, the AWS SDK) are dropped here.
            if (!IsEnabled(logLevel))
            {
                return;
            }

            _provider.Write(this, logLevel, eventId, state, exception, formatter);
        }
    }
}

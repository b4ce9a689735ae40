using System.Collections.Concurrent;
using System.Text.Json;
using log4net.Appender;
using log4net.Core;
using log4net.Util;
using Watchtower.Text;

namespace Watchtower.Log4Net;

/// <summary>
/// A log4net appender that ships each event to CloudWatch Logs through Watchtower's engine (<see cref="CloudWatchLogHandler"/>):
/// the event is formatted on the logging thread and handed over; batching, the delivery deadline, retries, limits,
/// metrics and shutdown are the engine's. <c>LogManager.Shutdown()</c> (which closes the appender) and log4net's flush
/// deliver what is queued. Option names are the engine's (<see cref="CloudWatchLogHandlerOptions"/>), set from XML as
/// elements (<c>&lt;LogGroupName value="…"/&gt;</c>); each defaults to the engine's default.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "log4net's lifecycle is Close(), not Dispose(): OnClose disposes the engine.")]
public sealed class CloudWatchAppender : AppenderSkeleton
{
    private static readonly CloudWatchLogHandlerOptions s_defaults = new();
    private static readonly Action<Utf8JsonWriter, LoggingEvent> s_writeProperties = WriteProperties;

    private readonly ConcurrentDictionary<string, CloudWatchStreamName> _streams = new(StringComparer.Ordinal);
    private CloudWatchLogHandler? _handler;
    private Func<string, CloudWatchStreamName>? _newStream;

    /// <summary>The log group. Default <c>watchtower</c>.</summary>
    public string LogGroupName { get; set; } = s_defaults.LogGroupName;

    /// <summary>The stream-name template; <c>{logger_name}</c> is the logger name. Default <c>{machine_name}/{program_name}/{logger_name}/{process_id}</c>.</summary>
    public string LogStreamName { get; set; } = s_defaults.LogStreamName;

    /// <summary>The endpoint, for a local CloudWatch or a VPC endpoint. Default none.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The AWS region; resolved as the AWS SDKs do when unset.</summary>
    public string? Region { get; set; }

    /// <summary>A profile of the shared AWS config and credentials files.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The delivery deadline. Default 1 minute.</summary>
    public TimeSpan SendInterval { get; set; } = s_defaults.SendInterval;

    /// <summary>Retention set on the group at startup (one of CloudWatch's values); 0 for none, the default.</summary>
    public int LogGroupRetentionDays { get; set; }

    /// <summary>Create the group at startup. Default true.</summary>
    public bool CreateLogGroup { get; set; } = true;

    /// <summary>Create streams when CloudWatch says they are missing. Default true.</summary>
    public bool CreateLogStream { get; set; } = true;

    /// <summary>What a full queue does. Default DropNewest.</summary>
    public QueueFullMode QueueFullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>The queue's memory bound, in bytes as CloudWatch counts them. Default 64 MiB.</summary>
    public long QueueByteLimit { get; set; } = s_defaults.QueueByteLimit;

    /// <summary>An optional count bound on the queue. Default none.</summary>
    public int QueueLimit { get; set; } = s_defaults.QueueLimit;

    /// <summary>Events per request. Default 10,000.</summary>
    public int MaxBatchCount { get; set; } = s_defaults.MaxBatchCount;

    /// <summary>Bytes per request, as CloudWatch counts them. Default 1 MiB.</summary>
    public int MaxBatchSize { get; set; } = s_defaults.MaxBatchSize;

    /// <summary>Bytes per event including CloudWatch's 26. Default 1 MiB.</summary>
    public int MaxMessageSize { get; set; } = s_defaults.MaxMessageSize;

    /// <summary>How long a batch is retried. Default 10 minutes.</summary>
    public TimeSpan RetryTimeLimit { get; set; } = s_defaults.RetryTimeLimit;

    /// <summary>How long shutdown may take to deliver. Default 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = s_defaults.ShutdownTimeout;

    /// <summary>Requests in flight at once. Default 4.</summary>
    public int MaxConcurrentSends { get; set; } = s_defaults.MaxConcurrentSends;

    /// <summary>Also write drop counts into the stream. Default true.</summary>
    public bool ReportDropsInStream { get; set; } = true;

    /// <summary>False sends each event on the logging thread. Default true.</summary>
    public bool UseQueues { get; set; } = true;

    /// <summary>A directory for the on-disk buffer that survives crashes and outages. Default none (memory only).</summary>
    public string? BufferDirectory { get; set; }

    /// <summary>The most disk the buffer takes. Default 1 GiB.</summary>
    public long BufferMaxBytes { get; set; } = s_defaults.BufferMaxBytes;

    /// <summary>The longest an event waits before it is written to the buffer. Default 100 ms.</summary>
    public TimeSpan BufferWriteInterval { get; set; } = s_defaults.BufferWriteInterval;

    /// <summary>How often the buffer is flushed to the disk. Default 1 second.</summary>
    public TimeSpan BufferFsyncInterval { get; set; } = s_defaults.BufferFsyncInterval;

    /// <summary>Each call returns once its event is on the disk. Default false.</summary>
    public bool BufferWaitForFsync { get; set; }

    /// <summary>JSON (default) or Text, when the appender has no layout.</summary>
    public CloudWatchAppenderFormat Format { get; set; } = CloudWatchAppenderFormat.Json;

    /// <summary>A ready client (code only).</summary>
    public CloudWatchLogsClient? Client { get; set; }

    /// <summary>The engine behind the appender once its options are activated.</summary>
    public CloudWatchLogHandler? Handler => _handler;

    /// <summary>Makes the engine from the options; a problem is told on log4net's internal debug, naming each option, and leaves the appender off.</summary>
    public override void ActivateOptions()
    {
        base.ActivateOptions();
        try
        {
            _handler = new CloudWatchLogHandler(new CloudWatchLogHandlerOptions
            {
                LogGroupName = LogGroupName,
                LogStreamName = LogStreamName,
                ServiceUrl = string.IsNullOrWhiteSpace(ServiceUrl) ? null : ServiceUrl,
                Region = string.IsNullOrWhiteSpace(Region) ? null : Region,
                ProfileName = string.IsNullOrWhiteSpace(ProfileName) ? null : ProfileName,
                SendInterval = SendInterval,
                LogGroupRetentionDays = LogGroupRetentionDays == 0 ? null : LogGroupRetentionDays,
                CreateLogGroup = CreateLogGroup,
                CreateLogStream = CreateLogStream,
                QueueFullMode = QueueFullMode,
                QueueByteLimit = QueueByteLimit,
                QueueLimit = QueueLimit,
                MaxBatchCount = MaxBatchCount,
                MaxBatchSize = MaxBatchSize,
                MaxMessageSize = MaxMessageSize,
                RetryTimeLimit = RetryTimeLimit,
                ShutdownTimeout = ShutdownTimeout,
                MaxConcurrentSends = MaxConcurrentSends,
                ReportDropsInStream = ReportDropsInStream,
                UseQueues = UseQueues,
                Client = Client,
                BufferDirectory = string.IsNullOrWhiteSpace(BufferDirectory) ? null : BufferDirectory,
                BufferMaxBytes = BufferMaxBytes,
                BufferWriteInterval = BufferWriteInterval,
                BufferFsyncInterval = BufferFsyncInterval,
                BufferWaitForFsync = BufferWaitForFsync,
            });
            _newStream = _handler.GetStreamName;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // log4net's way of reporting configuration trouble: its internal debug (stderr with log4net.Internal.Debug,
            // always for errors). The appender stays off; it never throws at log time.
            LogLog.Error(typeof(CloudWatchAppender), $"CloudWatchAppender '{Name}' is not started: {e.Message}", e);
            _handler = null;
        }
    }

    /// <summary>Waits, at most <paramref name="millisecondsTimeout"/>, until everything logged so far is delivered or counted.</summary>
    /// <param name="millisecondsTimeout">How long to wait.</param>
    /// <returns>Whether it was all delivered (or counted) in time.</returns>
    public override bool Flush(int millisecondsTimeout) => _handler is not { } handler || handler.FlushAsync().Wait(millisecondsTimeout);

    /// <inheritdoc/>
    protected override void Append(LoggingEvent loggingEvent)
    {
        // The engine's own HTTP requests (and anything they log) must never be shipped: each would be a request of its own.
        if (_handler is not { } handler || loggingEvent is null || CloudWatchLogHandler.IsSenderContext)
        {
            return;
        }

        var timestamp = new DateTimeOffset(loggingEvent.TimeStampUtc, TimeSpan.Zero);
        string category = loggingEvent.LoggerName ?? string.Empty;
        string stream = _streams.GetOrAdd(category, _newStream!).For(timestamp);
        if (Layout is not null)
        {
            handler.EmitText(RenderLoggingEvent(loggingEvent).TrimEnd('\r', '\n'), timestamp, stream);
            return;
        }

        string message = loggingEvent.RenderedMessage ?? string.Empty;
        string level = loggingEvent.Level?.Name ?? string.Empty;
        if (Format == CloudWatchAppenderFormat.Text)
        {
            handler.EmitText(TextEventLine.ForCurrentThread().Write(timestamp, level, category, message, loggingEvent.ExceptionObject), timestamp, stream);
            return;
        }

        ReadOnlySpan<byte> json = JsonEventWriter.ForCurrentThread().Write(
            timestamp,
            level,
            category,
            message,
            messageTemplate: null,
            loggingEvent.ExceptionObject,
            loggingEvent,
            s_writeProperties,
            handler.MaxMessageBytes,
            out bool truncated);
        handler.EmitUtf8(json, timestamp, stream, truncated);
    }

    /// <summary>Delivers what is queued, within ShutdownTimeout: <c>LogManager.Shutdown()</c> comes here.</summary>
    protected override void OnClose()
    {
        _handler?.Dispose();
        _handler = null;
        base.OnClose();
    }

    /// <summary>The event's own properties and the contexts', as log4net merges them (the event's win).</summary>
    private static void WriteProperties(Utf8JsonWriter writer, LoggingEvent loggingEvent)
    {
        // Pairs, not GetKeys() and a lookup per key: no array of names and one hash lookup fewer per property.
        foreach (KeyValuePair<string, object?> property in loggingEvent.GetProperties())
        {
            writer.WritePropertyName(property.Key);
            PropertyJson.WriteValue(writer, property.Value);
        }
    }
}

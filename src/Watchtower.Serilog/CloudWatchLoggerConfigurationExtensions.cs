using Serilog.Configuration;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;
using Watchtower;
using Watchtower.Serilog;

#pragma warning disable IDE0130 // Serilog's convention: WriteTo.CloudWatch(...) is found with no using, as every sink's is.
namespace Serilog;
#pragma warning restore IDE0130

/// <summary><c>WriteTo.CloudWatch(...)</c>: ships Serilog events to Amazon CloudWatch Logs through Watchtower's engine.</summary>
public static class CloudWatchLoggerConfigurationExtensions
{
    /// <summary>
    /// Ships events to CloudWatch Logs. Every parameter left unset keeps the engine's default (the defaults of
    /// <see cref="CloudWatchLogHandlerOptions"/>, those of Python's watchtower); from <c>Serilog.Settings.Configuration</c>
    /// the parameters are the <c>Args</c> (<c>"sendInterval": "00:00:02"</c>). Invalid values throw here, at
    /// configuration time, naming each option; nothing is sent and no AWS call is made until the first event.
    /// </summary>
    /// <param name="sinkConfiguration">Serilog's <c>WriteTo</c>.</param>
    /// <param name="logGroupName">The log group. Default <c>watchtower</c>.</param>
    /// <param name="logStreamName">The stream-name template; <c>{logger_name}</c> is the event's <c>SourceContext</c>. Default <c>{machine_name}/{program_name}/{logger_name}/{process_id}</c>.</param>
    /// <param name="region">The AWS region; resolved as the AWS SDKs do when unset.</param>
    /// <param name="serviceUrl">The endpoint, for a local CloudWatch or a VPC endpoint.</param>
    /// <param name="profileName">A profile of the shared AWS config and credentials files.</param>
    /// <param name="sendInterval">The delivery deadline. Default 1 minute.</param>
    /// <param name="logGroupRetentionDays">Retention set on the group at startup (one of CloudWatch's values). Default none.</param>
    /// <param name="createLogGroup">Create the group at startup. Default true.</param>
    /// <param name="createLogStream">Create streams when CloudWatch says they are missing. Default true.</param>
    /// <param name="queueFullMode">What a full queue does: DropNewest (default), DropOldest or Wait.</param>
    /// <param name="queueByteLimit">The queue's memory bound, in bytes as CloudWatch counts them. Default 64 MiB.</param>
    /// <param name="queueLimit">An optional count bound on the queue. Default none.</param>
    /// <param name="maxBatchCount">Events per request. Default 10,000.</param>
    /// <param name="maxBatchSize">Bytes per request, as CloudWatch counts them. Default 1 MiB.</param>
    /// <param name="maxMessageSize">Bytes per event including CloudWatch's 26. Default 1 MiB.</param>
    /// <param name="retryTimeLimit">How long a batch is retried. Default 10 minutes.</param>
    /// <param name="shutdownTimeout">How long <c>Log.CloseAndFlush()</c> may take to deliver. Default 10 seconds.</param>
    /// <param name="maxConcurrentSends">Requests in flight at once. Default 4.</param>
    /// <param name="reportDropsInStream">Also write drop counts into the stream. Default true.</param>
    /// <param name="useQueues">False sends each event on the logging thread. Default true.</param>
    /// <param name="bufferDirectory">A directory for the on-disk buffer that survives crashes and outages. Default none (memory only).</param>
    /// <param name="bufferMaxBytes">The most disk the buffer takes. Default 1 GiB.</param>
    /// <param name="bufferWriteInterval">The longest an event waits before it is written to the buffer. Default 100 ms.</param>
    /// <param name="bufferFsyncInterval">How often the buffer is flushed to the disk. Default 1 second.</param>
    /// <param name="bufferWaitForFsync">Each call returns once its event is on the disk. Default false.</param>
    /// <param name="format">JSON (default) or text, when no <paramref name="formatter"/> is given.</param>
    /// <param name="restrictedToMinimumLevel">The lowest level shipped. Default: all.</param>
    /// <param name="formatter">Serilog's own formatter, used as it is (its output is the message).</param>
    /// <param name="client">A ready client (code only).</param>
    /// <returns>The logger configuration, to go on configuring.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names each one.</exception>
    public static LoggerConfiguration CloudWatch(
        this LoggerSinkConfiguration sinkConfiguration,
        string? logGroupName = null,
        string? logStreamName = null,
        string? region = null,
        string? serviceUrl = null,
        string? profileName = null,
        TimeSpan? sendInterval = null,
        int? logGroupRetentionDays = null,
        bool createLogGroup = true,
        bool createLogStream = true,
        QueueFullMode queueFullMode = QueueFullMode.DropNewest,
        long? queueByteLimit = null,
        int? queueLimit = null,
        int? maxBatchCount = null,
        int? maxBatchSize = null,
        int? maxMessageSize = null,
        TimeSpan? retryTimeLimit = null,
        TimeSpan? shutdownTimeout = null,
        int? maxConcurrentSends = null,
        bool reportDropsInStream = true,
        bool useQueues = true,
        string? bufferDirectory = null,
        long? bufferMaxBytes = null,
        TimeSpan? bufferWriteInterval = null,
        TimeSpan? bufferFsyncInterval = null,
        bool bufferWaitForFsync = false,
        CloudWatchSinkFormat format = CloudWatchSinkFormat.Json,
        LogEventLevel restrictedToMinimumLevel = LevelAlias.Minimum,
        ITextFormatter? formatter = null,
        CloudWatchLogsClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(sinkConfiguration);
        CloudWatchSink sink;
        try
        {
            var options = new CloudWatchLogHandlerOptions
            {
                CreateLogGroup = createLogGroup,
                CreateLogStream = createLogStream,
                QueueFullMode = queueFullMode,
                ReportDropsInStream = reportDropsInStream,
                UseQueues = useQueues,
                LogGroupRetentionDays = logGroupRetentionDays,
                Region = region,
                ServiceUrl = serviceUrl,
                ProfileName = profileName,
                Client = client,
                BufferDirectory = bufferDirectory,
                BufferWaitForFsync = bufferWaitForFsync,
            };
            Set(logGroupName, v => options.LogGroupName = v);
            Set(logStreamName, v => options.LogStreamName = v);
            Set(sendInterval, v => options.SendInterval = v);
            Set(queueByteLimit, v => options.QueueByteLimit = v);
            Set(queueLimit, v => options.QueueLimit = v);
            Set(maxBatchCount, v => options.MaxBatchCount = v);
            Set(maxBatchSize, v => options.MaxBatchSize = v);
            Set(maxMessageSize, v => options.MaxMessageSize = v);
            Set(retryTimeLimit, v => options.RetryTimeLimit = v);
            Set(shutdownTimeout, v => options.ShutdownTimeout = v);
            Set(maxConcurrentSends, v => options.MaxConcurrentSends = v);
            Set(bufferMaxBytes, v => options.BufferMaxBytes = v);
            Set(bufferWriteInterval, v => options.BufferWriteInterval = v);
            Set(bufferFsyncInterval, v => options.BufferFsyncInterval = v);
            sink = new CloudWatchSink(options, format, formatter);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Serilog's way of reporting configuration trouble, and a throw: a logger that cannot ship must not look as if it did.
            SelfLog.WriteLine("Watchtower.Serilog: {0}", e.Message);
            throw;
        }

        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel);
    }

    private static void Set<T>(T? value, Action<T> apply)
        where T : struct
    {
        if (value is { } v)
        {
            apply(v);
        }
    }

    private static void Set(string? value, Action<string> apply)
    {
        if (value is not null)
        {
            apply(value);
        }
    }
}

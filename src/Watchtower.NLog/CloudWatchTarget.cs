using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using NLog;
using NLog.Common;
using NLog.Layouts;
using NLog.Targets;
using Watchtower.Text;

namespace Watchtower.NLog;

/// <summary>
/// An NLog target that ships each event to CloudWatch Logs through Watchtower's engine (<see cref="CloudWatchLogHandler"/>):
/// the event is formatted on the logging thread and handed over; batching, the delivery deadline, retries, limits,
/// metrics and shutdown are the engine's. <c>LogManager.Shutdown()</c> and NLog's flush deliver what is queued.
/// Option names are the engine's (<see cref="CloudWatchLogHandlerOptions"/>); <see cref="LogGroupName"/>,
/// <see cref="LogStreamName"/>, <see cref="ServiceUrl"/> and <see cref="Region"/> take NLog layouts.
/// </summary>
[Target("CloudWatch")]
public sealed class CloudWatchTarget : TargetWithContext
{
    private const int MaxLentProperties = 256;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static Dictionary<string, object?>? t_properties;

    private static readonly Action<Utf8JsonWriter, LentProperties> s_writeLent = WriteLent;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static StringBuilder? t_serialized;

    private IJsonConverter? _json;

    private readonly ConcurrentDictionary<string, CloudWatchStreamName> _streamsByLogger = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _renderedStreams = new(StringComparer.Ordinal);
    private CloudWatchLogHandler? _handler;
    private Func<string, CloudWatchStreamName>? _newStream;

    // Set when LogStreamName is a layout of NLog's own (${logger}): rendered per event, not an engine template.
    private Layout? _streamLayout;

    /// <summary>Creates the target; configured by NLog from its properties, and started by NLog.</summary>
    public CloudWatchTarget()
    {
        // Every property by default: the message template's values, the scope's and the target's context properties.
        IncludeEventProperties = true;
        IncludeScopeProperties = true;
    }

    /// <summary>The log group (a layout, rendered once at startup). Default <c>watchtower</c>.</summary>
    public Layout LogGroupName { get; set; } = "watchtower";

    /// <summary>
    /// The stream name: an NLog layout (<c>app-${logger}</c>, rendered per event), or an engine template
    /// (<c>{logger_name}</c>, <c>{strftime:%Y-%m-%d}</c> …). Default the engine's
    /// <c>{machine_name}/{program_name}/{logger_name}/{process_id}</c>.
    /// </summary>
    public Layout? LogStreamName { get; set; }

    /// <summary>The endpoint (a layout, e.g. <c>${environment:CW_ENDPOINT}</c>), for a local CloudWatch or a VPC endpoint.</summary>
    public Layout? ServiceUrl { get; set; }

    /// <summary>The AWS region (a layout); resolved as the AWS SDKs do when unset.</summary>
    public Layout? Region { get; set; }

    /// <summary>A profile of the shared AWS config and credentials files.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The delivery deadline. Default 1 minute.</summary>
    public TimeSpan? SendInterval { get; set; }

    /// <summary>Retention set on the group at startup (one of CloudWatch's values). Default none.</summary>
    public int? LogGroupRetentionDays { get; set; }

    /// <summary>Create the group at startup. Default true.</summary>
    public bool CreateLogGroup { get; set; } = true;

    /// <summary>Create streams when CloudWatch says they are missing. Default true.</summary>
    public bool CreateLogStream { get; set; } = true;

    /// <summary>What a full queue does. Default DropNewest.</summary>
    public QueueFullMode QueueFullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>The queue's memory bound, in bytes as CloudWatch counts them. Default 64 MiB.</summary>
    public long? QueueByteLimit { get; set; }

    /// <summary>An optional count bound on the queue. Default none.</summary>
    public int? QueueLimit { get; set; }

    /// <summary>Events per request. Default 10,000.</summary>
    public int? MaxBatchCount { get; set; }

    /// <summary>Bytes per request, as CloudWatch counts them. Default 1 MiB.</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>Bytes per event including CloudWatch's 26. Default 1 MiB.</summary>
    public int? MaxMessageSize { get; set; }

    /// <summary>How long a batch is retried. Default 10 minutes.</summary>
    public TimeSpan? RetryTimeLimit { get; set; }

    /// <summary>How long shutdown may take to deliver. Default 10 seconds.</summary>
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>Requests in flight at once. Default 4.</summary>
    public int? MaxConcurrentSends { get; set; }

    /// <summary>Also write drop counts into the stream. Default true.</summary>
    public bool ReportDropsInStream { get; set; } = true;

    /// <summary>False sends each event on the logging thread. Default true.</summary>
    public bool UseQueues { get; set; } = true;

    /// <summary>A directory for the on-disk buffer that survives crashes and outages. Default none (memory only).</summary>
    public string? BufferDirectory { get; set; }

    /// <summary>The most disk the buffer takes. Default 1 GiB.</summary>
    public long? BufferMaxBytes { get; set; }

    /// <summary>The longest an event waits before it is written to the buffer. Default 100 ms.</summary>
    public TimeSpan? BufferWriteInterval { get; set; }

    /// <summary>How often the buffer is flushed to the disk. Default 1 second.</summary>
    public TimeSpan? BufferFsyncInterval { get; set; }

    /// <summary>Each call returns once its event is on the disk. Default false.</summary>
    public bool BufferWaitForFsync { get; set; }

    /// <summary>JSON (default), Text, or the target's Layout.</summary>
    public CloudWatchTargetFormat Format { get; set; } = CloudWatchTargetFormat.Json;

    /// <summary>A ready client (code only).</summary>
    public CloudWatchLogsClient? Client { get; set; }

    /// <summary>The engine behind the target once NLog has started it, for <see cref="CloudWatchLogHandler.FlushAsync"/>.</summary>
    public CloudWatchLogHandler? Handler => _handler;

    /// <inheritdoc/>
    protected override void InitializeTarget()
    {
        base.InitializeTarget();
        LogEventInfo none = LogEventInfo.CreateNullEvent();
        var options = new CloudWatchLogHandlerOptions
        {
            CreateLogGroup = CreateLogGroup,
            CreateLogStream = CreateLogStream,
            QueueFullMode = QueueFullMode,
            ReportDropsInStream = ReportDropsInStream,
            UseQueues = UseQueues,
            LogGroupRetentionDays = LogGroupRetentionDays,
            ProfileName = ProfileName,
            Client = Client,
            Region = Nonempty(RenderLogEvent(Region, none)),
            ServiceUrl = Nonempty(RenderLogEvent(ServiceUrl, none)),
        };
        try
        {
            options.LogGroupName = RenderLogEvent(LogGroupName, none);
            ConfigureStreams(options);
            if (SendInterval is { } interval) { options.SendInterval = interval; }
            if (QueueByteLimit is { } bytes) { options.QueueByteLimit = bytes; }
            if (QueueLimit is { } count) { options.QueueLimit = count; }
            if (MaxBatchCount is { } batchCount) { options.MaxBatchCount = batchCount; }
            if (MaxBatchSize is { } batchSize) { options.MaxBatchSize = batchSize; }
            if (MaxMessageSize is { } messageSize) { options.MaxMessageSize = messageSize; }
            if (RetryTimeLimit is { } retry) { options.RetryTimeLimit = retry; }
            if (ShutdownTimeout is { } shutdown) { options.ShutdownTimeout = shutdown; }
            if (MaxConcurrentSends is { } sends) { options.MaxConcurrentSends = sends; }
            if (BufferMaxBytes is { } bufferBytes) { options.BufferMaxBytes = bufferBytes; }
            if (BufferWriteInterval is { } writeInterval) { options.BufferWriteInterval = writeInterval; }
            if (BufferFsyncInterval is { } fsyncInterval) { options.BufferFsyncInterval = fsyncInterval; }
            options.BufferDirectory = string.IsNullOrWhiteSpace(BufferDirectory) ? null : BufferDirectory;
            options.BufferWaitForFsync = BufferWaitForFsync;
            _handler = new CloudWatchLogHandler(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // NLog's way: with throwConfigExceptions the application fails at startup; without, InternalLogger says why.
            throw new NLogConfigurationException($"CloudWatch target '{Name}': {e.Message}", e);
        }

        _newStream = _handler.GetStreamName;

        // NLog's own JSON serializer for {@Value} holes, resolved here: NLog asks that it not be resolved per event.
        _json = ResolveService<IJsonConverter>();
    }

    /// <inheritdoc/>
    protected override void Write(LogEventInfo logEvent)
    {
        // The engine's own HTTP requests (and anything they log) must never be shipped: each would be a request of its own.
        if (_handler is not { } handler || CloudWatchLogHandler.IsSenderContext)
        {
            return;
        }

        var timestamp = new DateTimeOffset(logEvent.TimeStamp);
        string category = logEvent.LoggerName ?? string.Empty;
        string stream = StreamFor(handler, logEvent, category, timestamp);
        switch (Format)
        {
            case CloudWatchTargetFormat.Layout:
                handler.EmitText(RenderLogEvent(Layout, logEvent), timestamp, stream);
                break;
            case CloudWatchTargetFormat.Text:
                handler.EmitText(TextEventLine.ForCurrentThread().Write(timestamp, logEvent.Level.Name, category, logEvent.FormattedMessage, logEvent.Exception), timestamp, stream);
                break;
            default:
                WriteJson(handler, logEvent, category, timestamp, stream);
                break;
        }
    }

    private void WriteJson(CloudWatchLogHandler handler, LogEventInfo logEvent, string category, DateTimeOffset timestamp, string stream)
    {
        // NLog collects the event's, the scope's and the target's properties into a dictionary we lend it, one per
        // thread and cleared after use, instead of a new one per event. Taken out while in use: a property whose
        // ToString logs through NLog on this thread gets a fresh one rather than ours mid-write.
        Dictionary<string, object?> properties = t_properties ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        t_properties = null;
        try
        {
            IDictionary<string, object?> all = GetAllProperties(logEvent, properties);
            if (!ReferenceEquals(all, properties))
            {
                // NLog fills the dictionary it is given; should a version return one of its own, it is read into ours.
                foreach (KeyValuePair<string, object?> property in all)
                {
                    properties[property.Key] = property.Value;
                }
            }

            ReadOnlySpan<byte> json = JsonEventWriter.ForCurrentThread().Write(
                timestamp,
                logEvent.Level.Name,
                category,
                logEvent.FormattedMessage,
                logEvent.Message,
                logEvent.Exception,
                new LentProperties(properties, logEvent, _json),
                properties.Count == 0 ? null : s_writeLent,
                handler.MaxMessageBytes,
                out bool truncated);
            handler.EmitUtf8(json, timestamp, stream, truncated);
        }
        finally
        {
            // A dictionary grown by one unusual event is not kept for the thread's life.
            if (properties.Count <= MaxLentProperties)
            {
                properties.Clear();
                t_properties = properties;
            }
        }
    }

    /// <summary>
    /// The lent dictionary's properties, enumerated without boxing its enumerator. A value captured with
    /// <c>{@Value}</c> is written as NLog's JSON serializer writes it (an object, not its ToString); every other value
    /// by the rules all adapters share.
    /// </summary>
    private static void WriteLent(Utf8JsonWriter writer, LentProperties lent)
    {
        foreach (KeyValuePair<string, object?> property in lent.Properties)
        {
            writer.WritePropertyName(property.Key);
            if (!IsPlain(property.Value) && lent.Json is { } json && IsSerializeHole(lent.Event, property.Key) && Serialized(json, property.Value!) is { } raw)
            {
                try
                {
                    // Validated as it is written (nothing is written if it is not JSON): a converter of the user's that
                    // writes something else falls back to the value's string form.
                    writer.WriteRawValue(raw);
                    continue;
                }
                catch (JsonException)
                {
                }
            }

            PropertyJson.WriteValue(writer, property.Value);
        }
    }

    // What PropertyJson writes as itself: no serializer needed.
    private static bool IsPlain(object? value) => value is null or string or ValueType or System.Collections.IEnumerable;

    private static bool IsSerializeHole(LogEventInfo logEvent, string name)
    {
        foreach (global::NLog.MessageTemplates.MessageTemplateParameter hole in logEvent.MessageTemplateParameters)
        {
            if (hole.Name == name)
            {
                return hole.CaptureType == global::NLog.MessageTemplates.CaptureType.Serialize;
            }
        }

        return false;
    }

    private static string? Serialized(IJsonConverter json, object value)
    {
        StringBuilder text = t_serialized ??= new StringBuilder(256);
        text.Clear();
        try
        {
            return json.SerializeObject(value, text) ? text.ToString() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return null;
        }
        finally
        {
            if (text.Capacity > 64 * 1024)
            {
                t_serialized = null;
            }
        }
    }

    /// <summary>What <see cref="WriteLent"/> needs: the collected properties, the event's holes, NLog's serializer.</summary>
    private readonly record struct LentProperties(Dictionary<string, object?> Properties, LogEventInfo Event, IJsonConverter? Json);

    /// <inheritdoc/>
    protected override void FlushAsync(AsyncContinuation asyncContinuation)
    {
        if (_handler is not { } handler)
        {
            asyncContinuation(null);
            return;
        }

        handler.FlushAsync().ContinueWith(static (flushed, state) => ((AsyncContinuation)state!)(flushed.Exception), asyncContinuation, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    protected override void CloseTarget()
    {
        // Delivers what is queued, within ShutdownTimeout: LogManager.Shutdown() and a closing configuration come here.
        _handler?.Dispose();
        _handler = null;
        base.CloseTarget();
    }

    private static string? Nonempty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>An engine template goes to the engine; a layout with NLog renderers is rendered per event.</summary>
    private void ConfigureStreams(CloudWatchLogHandlerOptions options)
    {
        _streamLayout = null;
        if (LogStreamName is null)
        {
            return;
        }

        if (LogStreamName is SimpleLayout { IsFixedText: true } fixedText)
        {
            options.LogStreamName = fixedText.FixedText ?? fixedText.Text;
        }
        else
        {
            _streamLayout = LogStreamName;
        }
    }

    private string StreamFor(CloudWatchLogHandler handler, LogEventInfo logEvent, string category, DateTimeOffset timestamp)
    {
        if (_streamLayout is null)
        {
            return _streamsByLogger.GetOrAdd(category, _newStream!).For(timestamp);
        }

        // Shared strings for the queue's runs (it compares stream names by reference); the rendering is NLog's.
        string rendered = RenderLogEvent(_streamLayout, logEvent);
        if (_renderedStreams.TryGetValue(rendered, out string? shared))
        {
            return shared;
        }

        // ConcurrentDictionary.Count takes every lock: asked only for a name not seen before, never per event.
        return _renderedStreams.Count < 10_000 ? _renderedStreams.GetOrAdd(rendered, rendered) : rendered;
    }
}

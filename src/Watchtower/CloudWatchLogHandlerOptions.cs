using System.Text.RegularExpressions;

namespace Watchtower;

/// <summary>
/// Configures a <see cref="CloudWatchLogHandler"/>: where events go, how they are batched, and how the
/// log group is set up. The names and defaults are those of Python's watchtower 3.4, in .NET casing.
/// Values set in code are range-checked when set; the whole set is checked once more, with every problem
/// named, when the handler is created.
/// </summary>
public class CloudWatchLogHandlerOptions
{
    /// <summary>The default stream-name template, as in watchtower.</summary>
    public const string DefaultLogStreamName = "{machine_name}/{program_name}/{logger_name}/{process_id}";

    /// <summary>The most bytes a PutLogEvents batch may count (UTF-8 message bytes plus 26 per event).</summary>
    public const int ServiceMaxBatchSize = 1_048_576;

    /// <summary>The most events a PutLogEvents batch may hold.</summary>
    public const int ServiceMaxBatchCount = 10_000;

    /// <summary>The most bytes one event may count, the 26-byte overhead included (1 MB since April 2025; 262,144 before).</summary>
    public const int ServiceMaxMessageSize = 1_048_576;

    /// <summary>The bytes CloudWatch adds to each event's UTF-8 message size when it counts a batch.</summary>
    public const int EventOverhead = 26;

    /// <summary>What a message cut to <see cref="MaxMessageSize"/> ends with; adapters that cut their own (to keep JSON valid) use it too.</summary>
    public const string TruncationMarker = "…[truncated]";

    /// <summary>The retention periods CloudWatch Logs accepts, in days.</summary>
    public static IReadOnlyList<int> AllowedRetentionDays { get; } =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    private static readonly Regex s_logGroupName = new("^[.\\-_/#A-Za-z0-9]{1,512}$", RegexOptions.CultureInvariant);

    private TimeSpan _sendInterval = TimeSpan.FromMinutes(1);
    private int _maxBatchSize = ServiceMaxBatchSize;
    private int _maxBatchCount = ServiceMaxBatchCount;
    private int _maxMessageSize = ServiceMaxMessageSize;
    private int _queueLimit = int.MaxValue;
    private long _queueByteLimit = 64L * 1024 * 1024;
    private TimeSpan _retryTimeLimit = TimeSpan.FromMinutes(10);
    private TimeSpan _queueFullWaitTimeout = TimeSpan.FromSeconds(1);
    private TimeSpan _shutdownTimeout = TimeSpan.FromSeconds(10);
    private int _maxConcurrentSends = 4;
    private long _bufferMaxBytes = 1024L * 1024 * 1024;
    private TimeSpan _bufferWriteInterval = TimeSpan.FromMilliseconds(100);
    private TimeSpan _bufferFsyncInterval = TimeSpan.FromSeconds(1);

    /// <summary>The log group to send to: 1 to 512 characters from <c>[.-_/#A-Za-z0-9]</c>. The default is "watchtower".</summary>
    public string LogGroupName { get; set; } = "watchtower";

    /// <summary>
    /// The template each event's stream name is made from. Placeholders: <c>{machine_name}</c>,
    /// <c>{program_name}</c>, <c>{logger_name}</c> (the category), <c>{process_id}</c>, <c>{thread_name}</c>,
    /// <c>{strftime:FORMAT}</c> (Python strftime directives, such as <c>%Y-%m-%d</c>) and <c>{utc:FORMAT}</c>
    /// (.NET format strings, such as <c>yyyy-MM-dd</c>), both taken from the event's own UTC time so that a daily
    /// stream rolls at midnight UTC. <c>{{</c> and <c>}}</c> write braces. ':' and '*', which CloudWatch forbids,
    /// become '_', and names are cut to 512 characters. The default is "{machine_name}/{program_name}/{logger_name}/{process_id}".
    /// </summary>
    public string LogStreamName { get; set; } = DefaultLogStreamName;

    /// <summary>
    /// The delivery deadline: the longest an event waits in memory before the batch it is in is sent.
    /// The default is 1 minute.
    /// </summary>
    public TimeSpan SendInterval
    {
        get => _sendInterval;
        set => _sendInterval = value > TimeSpan.Zero && value <= TimeSpan.FromDays(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(SendInterval), value, "SendInterval must be more than zero and at most one day.");
    }

    /// <summary>The most bytes per batch, counted as UTF-8 message bytes plus 26 per event; 1 to 1,048,576. The default is 1,048,576.</summary>
    public int MaxBatchSize
    {
        get => _maxBatchSize;
        set => _maxBatchSize = value is >= EventOverhead + 1 and <= ServiceMaxBatchSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), value, $"MaxBatchSize must be from {EventOverhead + 1} to {ServiceMaxBatchSize}.");
    }

    /// <summary>The most events per batch, 1 to 10,000. The default is 10,000.</summary>
    public int MaxBatchCount
    {
        get => _maxBatchCount;
        set => _maxBatchCount = value is >= 1 and <= ServiceMaxBatchCount
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxBatchCount), value, $"MaxBatchCount must be from 1 to {ServiceMaxBatchCount}.");
    }

    /// <summary>
    /// The most bytes one event may count, its 26-byte overhead included; longer messages are truncated at a
    /// character boundary and marked. Set 262,144 for accounts or partitions still on the old 256 KB limit.
    /// The default is 1,048,576, the service's limit.
    /// </summary>
    public int MaxMessageSize
    {
        get => _maxMessageSize;
        set => _maxMessageSize = value is >= 256 and <= ServiceMaxMessageSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), value, $"MaxMessageSize must be from 256 to {ServiceMaxMessageSize}.");
    }

    /// <summary>Whether to create the log group at startup (an existing group is fine). The default is true.</summary>
    public bool CreateLogGroup { get; set; } = true;

    /// <summary>Whether to create a log stream when CloudWatch says it does not exist (and again if it is deleted). The default is true.</summary>
    public bool CreateLogStream { get; set; } = true;

    /// <summary>
    /// How many days the log group keeps events, set at startup: one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180,
    /// 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653. The default is null: leave the group's retention as it is.
    /// </summary>
    public int? LogGroupRetentionDays { get; set; }

    /// <summary>Tags put on the log group at startup, whether the handler creates it or it exists already (at most 50). The default is none.</summary>
    public IDictionary<string, string> LogGroupTags { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// True to queue events and send them from one background sender; false to send each event at once on the
    /// caller's thread (slow, but nothing waits in memory). Either way no exception reaches the caller. The default is true.
    /// </summary>
    public bool UseQueues { get; set; } = true;

    /// <summary>The AWS region; null to resolve it as the AWS SDKs do. The default is null.</summary>
    public string? Region { get; set; }

    /// <summary>A profile from the shared AWS config and credentials files; cannot be combined with <see cref="Client"/>. The default is null.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The CloudWatch Logs endpoint, such as a local emulator's; null for the regional endpoint. The default is null.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// A ready-made client to send with (watchtower's boto3_client); the handler does not dispose it. Cannot be
    /// combined with <see cref="ProfileName"/>; <see cref="Region"/> and <see cref="ServiceUrl"/> are then ignored. The default is null.
    /// </summary>
    public CloudWatchLogsClient? Client { get; set; }

    /// <summary>
    /// An optional bound on the number of events held in the queue waiting to be sent, besides <see cref="QueueByteLimit"/>,
    /// which is the bound that matters: memory. The default is none (<see cref="int.MaxValue"/>), so that a burst is
    /// dropped only when it would not fit in memory; the byte bound then also caps the count at QueueByteLimit / 64
    /// (1,048,576 events by default), so that a flood of tiny messages cannot grow the queue's slots past it.
    /// </summary>
    public int QueueLimit
    {
        get => _queueLimit;
        set => _queueLimit = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(QueueLimit), value, "QueueLimit must be at least 1.");
    }

    /// <summary>
    /// The most bytes held in the queue waiting to be sent, each event counted as CloudWatch counts it (UTF-8 message
    /// bytes plus 26); at least <see cref="MaxMessageSize"/>. It bounds the memory that events waiting for the sender can
    /// take, however long CloudWatch is unreachable (a queued event takes its UTF-8 bytes plus a 32-byte slot, so about
    /// what it is counted as). The default is 64 MiB: 530,000 events of 100 bytes.
    /// </summary>
    public long QueueByteLimit
    {
        get => _queueByteLimit;
        set => _queueByteLimit = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(QueueByteLimit), value, "QueueByteLimit must be at least 1.");
    }

    /// <summary>
    /// How long a batch is retried after throttling, server errors, timeouts and network failures, counted from its
    /// first attempt, with capped exponential backoff and full jitter. After that the batch is dropped and counted
    /// (reason <c>retry_time_limit</c>). Other streams keep sending meanwhile. Refused credentials are not bounded by
    /// this: delivery pauses, probes with backoff and resumes, while the queue bound applies. The default is 10 minutes.
    /// </summary>
    public TimeSpan RetryTimeLimit
    {
        get => _retryTimeLimit;
        set => _retryTimeLimit = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(RetryTimeLimit), value, "RetryTimeLimit must not be negative.");
    }

    /// <summary>
    /// Whether dropped events are also reported in the log stream itself: once there is room again, a line
    /// "Watchtower: N events dropped: queue full N." goes into the stream of the next event, at most every 10 seconds,
    /// so that whoever reads the logs sees the gap where it is. The default is true.
    /// </summary>
    public bool ReportDropsInStream { get; set; } = true;

    /// <summary>The first retry's backoff ceiling (doubling per retry up to <see cref="RetryMaxBackoff"/>); the AWS SDKs' 1 s. Tests shorten it.</summary>
    internal TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap on one retry's backoff before jitter; the AWS SDKs' 20 s.</summary>
    internal TimeSpan RetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long delivery pauses after credentials are refused before the first probe; it doubles per refused probe.</summary>
    internal TimeSpan AccessDeniedProbeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The cap on the pause between probes while credentials are refused.</summary>
    internal TimeSpan AccessDeniedMaxProbeDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What happens when the queue is full. The default is <see cref="Watchtower.QueueFullMode.DropNewest"/>.</summary>
    public QueueFullMode QueueFullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>With <see cref="Watchtower.QueueFullMode.Wait"/>, the longest a caller waits for room. The default is 1 second.</summary>
    public TimeSpan QueueFullWaitTimeout
    {
        get => _queueFullWaitTimeout;
        set => _queueFullWaitTimeout = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(QueueFullWaitTimeout), value, "QueueFullWaitTimeout must not be negative.");
    }

    /// <summary>
    /// The longest disposal waits to deliver what is queued; whatever is left then is counted as not delivered and
    /// reported on stderr. The default is 10 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout
    {
        get => _shutdownTimeout;
        set => _shutdownTimeout = value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), value, "ShutdownTimeout must not be negative.");
    }

    /// <summary>The most PutLogEvents requests in flight at once, each for a different stream. The default is 4.</summary>
    public int MaxConcurrentSends
    {
        get => _maxConcurrentSends;
        set => _maxConcurrentSends = value is >= 1 and <= 64
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConcurrentSends), value, "MaxConcurrentSends must be from 1 to 64.");
    }

    /// <summary>
    /// A directory for an on-disk buffer, or null (the default) to keep events in memory only. When set, accepted events
    /// are written to segment files there by the sender (never on the logging call's thread), deleted once CloudWatch
    /// has stored them (or they were counted as dropped), and what a crash or an outage left is delivered first when a
    /// handler starts on the directory again. Durability: an event whose logging call returned at least
    /// <see cref="BufferWriteInterval"/> before the process was killed (kill -9, the OOM killer) is recovered; one
    /// returned <see cref="BufferFsyncInterval"/> before a power loss too. An outage then costs disk, within
    /// <see cref="BufferMaxBytes"/>, instead of events: <see cref="RetryTimeLimit"/> does not apply. Each live handler
    /// needs a directory of its own: a second one on the same directory, in any process, fails at startup. A directory
    /// that cannot be written (read-only, full) never stops the application: events are kept in memory, with one
    /// warning.
    /// </summary>
    public string? BufferDirectory { get; set; }

    /// <summary>
    /// The most disk the buffer takes, in bytes; at least 1 MiB and 4 × <see cref="MaxMessageSize"/>. Beyond it the
    /// oldest segment file (a sixteenth of this, at most 16 MiB) is deleted and its unsent events are counted as dropped
    /// (reason <c>buffer_full</c>). The default is 1 GiB.
    /// </summary>
    public long BufferMaxBytes
    {
        get => _bufferMaxBytes;
        set => _bufferMaxBytes = value >= 1024 * 1024
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BufferMaxBytes), value, "BufferMaxBytes must be at least 1 MiB (1048576).");
    }

    /// <summary>
    /// The longest an accepted event waits in memory before the sender writes it to the buffer (to the operating
    /// system's page cache, which survives the process being killed); from 1 ms to 1 minute. The sender aims at half of
    /// it, so that a busy machine's late timers still keep it. The default is 100 ms.
    /// </summary>
    public TimeSpan BufferWriteInterval
    {
        get => _bufferWriteInterval;
        set => _bufferWriteInterval = value >= TimeSpan.FromMilliseconds(1) && value <= TimeSpan.FromMinutes(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BufferWriteInterval), value, "BufferWriteInterval must be from 1 ms to 1 minute.");
    }

    /// <summary>
    /// How often what was written to the buffer is flushed to the disk itself (fsync), which bounds what a power loss or
    /// a kernel crash can take; zero flushes after every write. The default is 1 second.
    /// </summary>
    public TimeSpan BufferFsyncInterval
    {
        get => _bufferFsyncInterval;
        set => _bufferFsyncInterval = value >= TimeSpan.Zero && value <= TimeSpan.FromHours(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BufferFsyncInterval), value, "BufferFsyncInterval must be from 0 to 1 hour.");
    }

    /// <summary>
    /// Whether each logging call returns only once its event is written to the buffer and flushed to the disk (fsync):
    /// nothing a call returned from is lost, even to a power loss, at the price of a disk flush in the call's time (one
    /// flush serves all the calls of that moment; see benchmarks/README.md for what it costs). A call waits at most
    /// 5 seconds for a disk that does not answer. The default is false.
    /// </summary>
    public bool BufferWaitForFsync { get; set; }

    /// <summary>Every problem with these options, each in a sentence that names the option; empty when they are valid.</summary>
    /// <returns>The problems found.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(LogGroupName) || !s_logGroupName.IsMatch(LogGroupName))
        {
            problems.Add($"LogGroupName '{LogGroupName}' is not a valid log group name: use 1 to 512 characters from A-Z, a-z, 0-9, '.', '-', '_', '/' and '#'.");
        }
        else if (LogGroupName.StartsWith("aws/", StringComparison.Ordinal))
        {
            problems.Add($"LogGroupName '{LogGroupName}' starts with 'aws/', which CloudWatch reserves for AWS services.");
        }

        if (!Shipping.StreamNameTemplate.TryParse(LogStreamName, out _, out string? templateError))
        {
            problems.Add($"LogStreamName: {templateError}");
        }

        if (LogGroupRetentionDays is { } days && !AllowedRetentionDays.Contains(days))
        {
            problems.Add($"LogGroupRetentionDays {days} is not a retention CloudWatch accepts; use one of {string.Join(", ", AllowedRetentionDays)}.");
        }

        if (LogGroupTags is { Count: > 50 })
        {
            problems.Add($"LogGroupTags has {LogGroupTags.Count} tags; a log group takes at most 50.");
        }

        foreach (KeyValuePair<string, string> tag in LogGroupTags ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrEmpty(tag.Key) || tag.Key.Length > 128 || (tag.Value?.Length ?? 0) > 256)
            {
                problems.Add($"LogGroupTags '{tag.Key}': tag keys take 1 to 128 characters and values at most 256.");
            }
        }

        if (Client is not null && !string.IsNullOrEmpty(ProfileName))
        {
            problems.Add("Client and ProfileName cannot both be set: the client already has its credentials. Remove one of them.");
        }

        if (MaxMessageSize > MaxBatchSize)
        {
            problems.Add($"MaxMessageSize ({MaxMessageSize}) is larger than MaxBatchSize ({MaxBatchSize}); one event must fit in a batch.");
        }

        if (QueueByteLimit < MaxMessageSize)
        {
            problems.Add($"QueueByteLimit ({QueueByteLimit}) is smaller than MaxMessageSize ({MaxMessageSize}); the queue must hold the largest event.");
        }

        if (BufferDirectory is not null && string.IsNullOrWhiteSpace(BufferDirectory))
        {
            problems.Add("BufferDirectory is empty: set it to a directory path, or leave it unset (null) to keep events in memory only.");
        }

        if (BufferDirectory is not null && BufferMaxBytes < 4L * MaxMessageSize)
        {
            problems.Add($"BufferMaxBytes ({BufferMaxBytes}) is smaller than 4 × MaxMessageSize ({4L * MaxMessageSize}); the buffer must hold a few of the largest events.");
        }

        if (BufferDirectory is not null && !UseQueues)
        {
            problems.Add("BufferDirectory needs UseQueues: without a queue every event is sent on the logging call's thread, and there is nothing to buffer. Remove one of them.");
        }

        if (ServiceUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            problems.Add($"ServiceUrl '{url}' is not an absolute URL.");
        }

        return problems;
    }

    /// <summary>Throws one exception that lists every problem, if there is any.</summary>
    internal void ThrowIfInvalid()
    {
        IReadOnlyList<string> problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid Watchtower options: " + string.Join(" ", problems));
        }
    }
}

using System.Collections.Concurrent;
using Watchtower.CloudWatch;
using Watchtower.Diagnostics;
using Watchtower.Shipping;

namespace Watchtower;

/// <summary>
/// The shipping engine, the C# counterpart of watchtower's <c>CloudWatchLogHandler</c>: it takes finished log
/// messages, names each one's stream from a template, batches them by the PutLogEvents rules, and sends them from
/// one background sender within the <see cref="CloudWatchLogHandlerOptions.SendInterval"/> deadline, creating the
/// log group and streams as needed. Logging adapters sit on top of it; it can also be used directly.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Emit"/> never throws and never blocks (unless <see cref="QueueFullMode.Wait"/> is chosen
/// or <see cref="CloudWatchLogHandlerOptions.UseQueues"/> is false); every event it is given is either delivered or
/// counted as dropped with a reason, and problems are reported on stderr, never into the application's logs.
/// Dispose it to deliver what is queued (within <see cref="CloudWatchLogHandlerOptions.ShutdownTimeout"/>); if the
/// application never does, the handler does so itself when the process exits.
/// </remarks>
public sealed class CloudWatchLogHandler : IDisposable, IAsyncDisposable
{
    private const int Running = 0;
    private const int Stopping = 1;
    private const int Stopped = 2;

    // The process is dying of an unhandled exception: events are still taken, and each is delivered before its logging
    // call returns, within what is left of ShutdownTimeout (the runtime ends the process once the handlers return).
    private const int Dying = 3;

    // The most events the sender takes from the queue per acquisition of its lock.
    private const int DrainBite = 64;

    // A thread keeps a buffer this large for encoding messages; larger messages borrow one from the pool.
    private const int MaxThreadBufferSize = 64 * 1024;

    [ThreadStatic]

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static byte[]? t_encodeBuffer;

    // A missing stream (or group) is created and the batch sent again at most this many times per attempt.
    private const int MaxCreateAttempts = 2;

    // A batch whose sends fail with errors the client does not know is tried this many times in all.
    private const int MaxUnexpectedFailures = 3;

    // What the retry policy is asked about for such a failure: a network error, for its backoff.
    private static readonly CloudWatchLogsException s_unexpected = new("PutLogEvents", "NetworkError", "An unexpected failure.", CloudWatchErrorKind.Transient, statusCode: null, requestId: null);

    // A stream with nothing to do for this long is forgotten; it costs nothing to remember it again.
    private static readonly TimeSpan s_idleStreamLifetime = TimeSpan.FromMinutes(5);

    // Drops are reported in the log stream itself at most this often, so a long overflow yields a few lines, not thousands.
    private static readonly TimeSpan s_inBandReportInterval = TimeSpan.FromSeconds(10);

    // Null when the environment lacks what a client needs (see _notConfigured): nothing is then ever sent.
    private readonly CloudWatchLogsClient? _client;
    private readonly bool _ownsClient;
    private readonly string _logGroupName;
    private readonly StreamNames _streamNames;
    private readonly BatchRules _rules;
    private readonly TimeSpan _sendInterval;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _queueFullWaitTimeout;
    private readonly int? _retentionDays;
    private readonly bool _reportDropsInStream;
    private readonly int _maxConcurrentSends;
    private readonly int _senderEventLimit;
    private readonly long _senderByteLimit;
    private readonly long _senderMemoryLimit;
    private readonly SenderMemory _senderMemory = new();
    private readonly TimeProvider _timeProvider;
    private readonly WarningSink _warnings;
    private readonly HandlerMetrics _metrics;
    private readonly LogGroupProvisioner? _provisioner;

    // Why nothing can be shipped in this process (no region, a missing profile), or null when all is set up.
    private readonly string? _notConfigured;
    private readonly RetryPolicy _retryPolicy;
    private readonly CircuitBreaker _circuit;

    // One delegate for the handler's life: a method group passed per event would allocate a delegate per event.
    private readonly Func<long> _nextBatchId;

    private readonly EventQueue? _queue;
    private readonly ConcurrentQueue<(long QueueTarget, TaskCompletionSource Done)> _flushRequests = new();
    private readonly ConcurrentQueue<(Batch Batch, SendOutcome Outcome)> _completedSends = new();
    private readonly WakeSignal _wake;
    private readonly CancellationTokenSource _abortSends = new();
    private readonly Task? _sender;
    private readonly TerminationSignals? _signals;
    private readonly long[] _dropsReportedInBand = new long[Enum.GetValues<DropReason>().Length];

    private TaskCompletionSource _senderIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastIdleSweep;
    private long? _lastInBandReport;

    // Events (and their bytes) the sender has taken from the queue and not yet finished with: its memory bound.
    private long _heldEvents;
    private long _heldBytes;

    // Events accepted besides the queue's own count (drop reports written into streams, sends without a queue), and
    // events finished (delivered, dropped after acceptance, evicted): what is pending is the difference, and what
    // disposal reports if it runs out of time. Counted per batch, never per event on the caller's path.
    private long _acceptedOutsideQueue;
    private long _sentWithoutQueue;
    private long _finished;
    private int _streamCount;
    private long _senderRounds;
    private long _dyingDeadline;

    // Whether the last attempt found no credentials at all (no request could be signed): written by the sender loop,
    // read by disposal, which then need not wait out ShutdownTimeout for credentials that will not come.
    private bool _credentialsMissing;
    private long _batchIds;
    private int _state;

    /// <summary>Creates a handler; nothing is sent until the first event, and no AWS call is made here.</summary>
    /// <param name="options">Where and how to send. Checked now: every problem is named in one <see cref="ArgumentException"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">No region could be found or the profile does not exist.</exception>
    public CloudWatchLogHandler(CloudWatchLogHandlerOptions options)
        : this(options, TimeProvider.System, warnings: null)
    {
    }

    internal CloudWatchLogHandler(
        CloudWatchLogHandlerOptions options,
        TimeProvider timeProvider,
        WarningSink? warnings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();

        _timeProvider = timeProvider;
        _nextBatchId = NextBatchId;
        _wake = new WakeSignal(timeProvider);
        _warnings = warnings ?? WarningSink.StandardError(timeProvider);
        _logGroupName = options.LogGroupName;
        _streamNames = new StreamNames(StreamNameTemplate.Parse(options.LogStreamName));
        _rules = new BatchRules(options.MaxBatchSize, options.MaxBatchCount, options.MaxMessageSize);
        _sendInterval = options.SendInterval;
        _shutdownTimeout = options.ShutdownTimeout;
        _queueFullWaitTimeout = options.QueueFullMode == QueueFullMode.Wait ? options.QueueFullWaitTimeout : TimeSpan.Zero;
        _retentionDays = options.LogGroupRetentionDays;
        _reportDropsInStream = options.ReportDropsInStream;
        _maxConcurrentSends = options.MaxConcurrentSends;

        // Room for a full batch in every request slot and another filling behind each: enough to keep the slots busy,
        // and a bound on what the sender holds besides the queue, however slow the service is.
        _senderEventLimit = options.MaxBatchCount * options.MaxConcurrentSends * 2;
        _senderByteLimit = (long)options.MaxBatchSize * options.MaxConcurrentSends * 2;

        // The same batches again, as the memory their arrays really take: what bounds the sender whatever the number of
        // streams, since streams of few events weigh far more than their events (their buffers, their objects).
        _senderMemoryLimit = options.MaxConcurrentSends * 2 * BatchArrays.FullBatchFootprint(options.MaxBatchSize, options.MaxBatchCount);
        _retryPolicy = new RetryPolicy(
            timeProvider,
            maxAttempts: int.MaxValue,
            baseDelay: options.RetryBaseDelay,
            maxBackoff: options.RetryMaxBackoff,
            timeLimit: options.RetryTimeLimit,
            useRetryQuota: false); // the quota would turn a long outage into drops; the time limit bounds retries instead
        _circuit = new CircuitBreaker(timeProvider, options.AccessDeniedProbeDelay, options.AccessDeniedMaxProbeDelay, options.RetryBaseDelay, options.RetryMaxBackoff);

        if (options.Client is not null)
        {
            _client = options.Client;
        }
        else
        {
            try
            {
                _client = new CloudWatchLogsClient(
                    new CloudWatchLogsClientOptions { Region = options.Region, ProfileName = options.ProfileName, ServiceUrl = options.ServiceUrl },
                    handler: null,
                    timeProvider,
                    AwsEnvironment.ProcessEnvironment);
                _ownsClient = true;
            }
            catch (AwsSetupException e)
            {
                // A fact about this machine, not a mistake in the options: the application keeps running, nothing is
                // shipped, and every event is counted. Invalid options still fail above, at startup.
                _notConfigured = e.Message;
            }
        }

        if (options.UseQueues && _client is not null)
        {
            // A batch's worth waiting is worth waking the sender for; fewer events wait for their deadline.
            _queue = new EventQueue(options.QueueLimit, options.QueueByteLimit, options.QueueFullMode, timeProvider, wakeCount: options.MaxBatchCount, wakeBytes: options.MaxBatchSize, deadline: options.SendInterval);
        }

        _metrics = new HandlerMetrics(_logGroupName, () => _queue?.Count ?? 0, () => (_queue?.Accepted ?? 0) + Interlocked.Read(ref _sentWithoutQueue));
        if (_client is not null)
        {
            _provisioner = new LogGroupProvisioner(_client, options, _warnings, _abortSends.Token);
        }
        else
        {
            _warnings.Warn("not-configured", $"{_notConfigured} Nothing is shipped to log group '{_logGroupName}' by this process; its events are counted as dropped (reason not_configured).");
        }

        if (_queue is not null)
        {
            // The sender must not inherit the first caller's async-locals (logging scopes, activity); it marks its own.
            using (ExecutionContext.SuppressFlow())
            {
                _sender = Task.Run(RunSenderAsync);
            }
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        if (_queue is not null)
        {
            _signals = TerminationSignals.Register(OnTerminationSignal);
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        }
    }

    private enum SendResult
    {
        /// <summary>Delivered, or dropped and counted: the batch is finished.</summary>
        Finished,

        /// <summary>Failed unexpectedly (not a failure the client knows): send the same batch again after <see cref="SendOutcome.Delay"/>.</summary>
        RetryLater,

        /// <summary>
        /// Throttled, or the endpoint failed or could not be reached: the loop decides, with the circuit that keeps the
        /// request rate of an outage flat, when to send the batch again, or that its time is up.
        /// </summary>
        EndpointFailure,

        /// <summary>The service refused the batch as invalid: send its halves, to find the offending events.</summary>
        Split,

        /// <summary>The credentials were refused: keep the batch and pause delivery.</summary>
        AccessDenied,

        /// <summary>Shutdown ran out of time during the attempt; disposal counts the events.</summary>
        Abandoned,
    }

    /// <summary>The log group events go to.</summary>
    public string LogGroupName => _logGroupName;

    internal HandlerMetrics Metrics => _metrics;

    internal CloudWatchLogsClient Client => _client ?? throw new InvalidOperationException(_notConfigured);

    /// <summary>How many rounds the sender loop has run, for tests that it sleeps when it has nothing it can do.</summary>
    internal long SenderRounds => Interlocked.Read(ref _senderRounds);

    /// <summary>How many streams the sender remembers, for tests of idle-stream eviction.</summary>
    internal int StreamCount => Volatile.Read(ref _streamCount);

    /// <summary>Events the sender holds (open, sealed, in flight and waiting to retry), for tests of the memory bound.</summary>
    internal long HeldEvents => Interlocked.Read(ref _heldEvents);

    /// <summary>Bytes the sender holds, counted as CloudWatch counts them.</summary>
    internal long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>The sender's bound on <see cref="HeldEvents"/> and <see cref="HeldBytes"/>.</summary>
    internal (long Events, long Bytes) SenderLimits => (_senderEventLimit, _senderByteLimit);

    /// <summary>The memory the sender holds for its streams and batches (arrays' capacity, objects), for tests of its bound.</summary>
    internal long HeldMemory => _senderMemory.Bytes;

    /// <summary>The sender's bound on <see cref="HeldMemory"/>.</summary>
    internal long SenderMemoryLimit => _senderMemoryLimit;

    /// <summary>The queue, for tests of the memory bound.</summary>
    internal EventQueue? Queue => _queue;

    /// <summary>Whether delivery is paused because the credentials were refused.</summary>
    internal bool IsPausedForAccess => _circuit.Pause == Pause.AccessDenied;

    /// <summary>Whether delivery is paused because the endpoint cannot be reached or is failing.</summary>
    internal bool IsPausedForOutage => _circuit.Pause == Pause.Outage;

    /// <summary>Whether the sender holds all its bound allows: it takes nothing more from the queue until sends finish.</summary>
    private bool SenderAtBound =>
        Interlocked.Read(ref _heldEvents) >= _senderEventLimit
        || Interlocked.Read(ref _heldBytes) >= _senderByteLimit
        || _senderMemory.Bytes >= _senderMemoryLimit;

    /// <summary>
    /// Takes one finished message for delivery. Never throws. An empty message, or one given after shutdown began,
    /// is not sent: it is counted and warned about (watchtower's behaviour, since CloudWatch rejects empty messages).
    /// A message over <see cref="CloudWatchLogHandlerOptions.MaxMessageSize"/> is truncated here, so that the queue
    /// holds and counts only what will be sent.
    /// </summary>
    /// <param name="message">The message as it is to appear in CloudWatch Logs.</param>
    /// <param name="timestamp">When the event happened (not when it is sent).</param>
    /// <param name="loggerName">The logger or category, for the <c>{logger_name}</c> placeholder.</param>
    /// <returns>True when the event was accepted; false when it was dropped (and counted).</returns>
    public bool Emit(string message, DateTimeOffset timestamp, string loggerName = "")
    {
        try
        {
            // EmitUtf8 decides on shutdown and empty messages (a null one encodes to nothing), for every entry alike.
            return EmitText(message, timestamp, StreamNameFor(loggerName ?? string.Empty, timestamp));
        }
        catch (Exception e)
        {
            // Nothing may reach the caller; the event is lost, so it is counted.
            Drop(DropReason.DeliveryFailed, "emit-failed", $"An event could not be accepted: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Takes one event an adapter made as text, for a stream it named (<see cref="GetStreamName"/> or
    /// <see cref="StreamNameFor"/>): encoded to UTF-8 once, into a per-thread buffer (invalid UTF-16, a lone surrogate,
    /// becomes U+FFFD, as CloudWatch counts it), cut at <see cref="MaxMessageBytes"/> if longer, and copied into the
    /// queue. Never throws; checks as <see cref="Emit"/> does.
    /// </summary>
    /// <param name="message">The message as it is to appear in CloudWatch Logs.</param>
    /// <param name="timestamp">When the event happened (not when it is sent).</param>
    /// <param name="streamName">The stream, as <see cref="CloudWatchStreamName.For"/> or <see cref="StreamNameFor"/> gave it.</param>
    /// <returns>True when the event was accepted; false when it was dropped (and counted).</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool EmitText(ReadOnlySpan<char> message, DateTimeOffset timestamp, string streamName)
    {
        int needed = _rules.EncodeBufferSize(message.Length);
        byte[]? rented = null;
        Span<byte> buffer = needed <= MaxThreadBufferSize
            ? (t_encodeBuffer is { } cached && cached.Length >= needed ? cached : (t_encodeBuffer = new byte[Math.Max(needed, 1024)]))
            : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(needed));
        try
        {
            int length = _rules.Encode(message, buffer, out bool truncated);
            return EmitUtf8(buffer[..length], timestamp, streamName, truncated);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Takes one event an adapter wrote as UTF-8, for a stream it named: the fast path, one copy into the queue and no
    /// allocation. The bytes are sent as they are, so they must be valid UTF-8; they are only read (a message over
    /// <see cref="MaxMessageBytes"/> is cut at a character boundary as it is copied, and marked). Never throws; checks
    /// as <see cref="Emit"/> does.
    /// </summary>
    /// <param name="utf8Message">The message as it is to appear in CloudWatch Logs, as UTF-8.</param>
    /// <param name="timestamp">When the event happened (not when it is sent).</param>
    /// <param name="streamName">The stream, as <see cref="CloudWatchStreamName.For"/> or <see cref="StreamNameFor"/> gave it.</param>
    /// <param name="truncated">Whether the adapter already cut the message to fit (counted on the meter as a truncation).</param>
    /// <returns>True when the event was accepted; false when it was dropped (and counted).</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool EmitUtf8(ReadOnlySpan<byte> utf8Message, DateTimeOffset timestamp, string streamName, bool truncated = false)
    {
        try
        {
            long timestampMs = timestamp.ToUnixTimeMilliseconds();
            int state = Volatile.Read(ref _state);
            if (state != Running)
            {
                return state == Dying ? EmitWhileDying(utf8Message, timestampMs, streamName, truncated) : DropAfterShutdown();
            }

            return Accept(utf8Message, timestampMs, streamName, truncated);
        }
        catch (Exception e)
        {
            Drop(DropReason.DeliveryFailed, "emit-failed", $"An event could not be accepted: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    /// <summary>Checks, truncates and queues (or sends) one event; the caller has checked the state.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool Accept(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, bool truncated)
    {
        if (utf8Message.IsEmpty)
        {
            Drop(DropReason.EmptyMessage, "empty-message", "Received empty message. Empty messages cannot be sent to CloudWatch Logs; it was not sent.");
            return false;
        }

        int keep = _rules.KeepLength(utf8Message, out bool cut);
        if (truncated || cut)
        {
            _metrics.OnTruncated();
            _warnings.Warn("truncated", $"Log message size exceeds CWL max payload size ({_rules.MaxMessageSize} bytes with overhead), truncated.");
        }

        // A cut message is queued as what it keeps and the marker, both copied: the caller's bytes are only read.
        ReadOnlySpan<byte> marker = cut ? BatchRules.Marker : default;
        return _queue is not null ? Enqueue(utf8Message[..keep], marker, timestampMs, streamName)
            : _client is not null ? SendNow(cut ? [.. utf8Message[..keep], .. marker] : utf8Message, timestampMs, streamName)
            : DropNotConfigured();
    }

    private bool DropAfterShutdown()
    {
        Drop(DropReason.AfterShutdown, "after-shutdown", "Received message after logging system shutdown; it was not sent.");
        return false;
    }

    /// <summary>An event logged while the process dies (by an UnhandledException handler, often): taken, then delivered before this returns.</summary>
    private bool EmitWhileDying(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, bool truncated)
    {
        bool accepted = Accept(utf8Message, timestampMs, streamName, truncated);
        DeliverBeforeDying();
        return accepted;
    }

    /// <summary>
    /// The process is dying of an unhandled exception: no ProcessExit follows, so what is queued is delivered now, within
    /// ShutdownTimeout from the crash; and so is every event logged after this (the application's own UnhandledException
    /// handlers, which may run after this one, log why it died), each before its logging call returns.
    /// </summary>
    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        if (!e.IsTerminating || Interlocked.CompareExchange(ref _state, Dying, Running) != Running)
        {
            return;
        }

        Interlocked.Exchange(ref _dyingDeadline, _timeProvider.GetTimestamp() + (long)(_shutdownTimeout.TotalSeconds * _timeProvider.TimestampFrequency));
        DeliverBeforeDying();
    }

    private void DeliverBeforeDying()
    {
        try
        {
            TimeSpan left = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), Interlocked.Read(ref _dyingDeadline));
            if ((left <= TimeSpan.Zero || !FlushAsync().Wait(left)) && Pending is > 0 and long pending)
            {
                _warnings.Warn("dying", $"The process is ending with an unhandled exception: {pending} events for log group '{_logGroupName}' could not be delivered within the shutdown timeout of {_shutdownTimeout.TotalSeconds:0.###} s.");
            }
        }
        catch (Exception failure)
        {
            // Whatever happens here, the process must go on dying of its own exception, not of ours.
            _warnings.Warn("dying-failed", $"Delivering before the process ends failed: {failure.GetType().Name}: {failure.Message}");
        }
    }

    private bool DropNotConfigured()
    {
        Drop(DropReason.NotConfigured, "not-configured", $"Events for log group '{_logGroupName}' are not shipped: {_notConfigured}");
        return false;
    }

    /// <summary>A cache of one logger's stream names, for adapters that keep one per logger.</summary>
    /// <summary>
    /// One logger's stream names, cached: an adapter keeps one per logger and calls <see cref="CloudWatchStreamName.For"/>
    /// with each event's time, which renders nothing on the logging call.
    /// </summary>
    /// <param name="loggerName">The logger or category, for the <c>{logger_name}</c> placeholder.</param>
    public CloudWatchStreamName GetStreamName(string loggerName) => new(_streamNames, loggerName ?? string.Empty);

    /// <summary>The stream an event of <paramref name="loggerName"/> at <paramref name="timestamp"/> goes to, from the template, on the calling thread.</summary>
    /// <param name="loggerName">The logger or category, for the <c>{logger_name}</c> placeholder.</param>
    /// <param name="timestamp">When the event happened (for the template's time placeholders).</param>
    public string StreamNameFor(string loggerName, DateTimeOffset timestamp) => _streamNames.For(loggerName ?? string.Empty, timestamp);

    /// <summary>
    /// The most UTF-8 bytes one message may have (<see cref="CloudWatchLogHandlerOptions.MaxMessageSize"/> less the 26
    /// bytes CloudWatch adds): longer ones are cut and marked. An adapter that writes structured messages (JSON) fits
    /// them within this itself, so that what is stored still parses, and says so with <c>truncated: true</c>.
    /// </summary>
    public int MaxMessageBytes => _rules.MaxMessageBytes;

    /// <summary>
    /// True on the engine's own sending path: its loop, its HTTP requests and everything they call (HttpClient's and
    /// the AWS SDK's logging among them). An adapter drops events raised there, so that the library never logs into
    /// itself: each would be a request of its own.
    /// </summary>
    public static bool IsSenderContext => SenderScope.IsActive;

    /// <summary>For tests: what the runtime does when the process dies of an unhandled exception, short of ending it.</summary>
    internal void SimulateUnhandledException(Exception exception) => OnUnhandledException(this, new UnhandledExceptionEventArgs(exception, isTerminating: true));

    /// <summary>
    /// Sends every event given to <see cref="Emit"/> before this call, without waiting for the delivery deadline,
    /// and completes when each is delivered or counted as dropped.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the events are still sent.</param>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_queue is null || Volatile.Read(ref _state) == Stopped)
        {
            return Task.CompletedTask;
        }

        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushRequests.Enqueue((_queue.Accepted, request));
        _wake.Set();
        return request.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops taking events and delivers what is queued, waiting at most <see cref="CloudWatchLogHandlerOptions.ShutdownTimeout"/>;
    /// what is still undelivered then is counted and reported on stderr. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Stopping, Running) != Running && Interlocked.CompareExchange(ref _state, Stopping, Dying) != Dying)
        {
            if (_sender is not null)
            {
                await _sender.ConfigureAwait(false);
            }

            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        _signals?.Dispose();
        if (_queue is not null && _sender is not null)
        {
            _queue.Close();
            _wake.Set();
            try
            {
                await _sender.WaitAsync(_shutdownTimeout, _timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Past the deadline: abandon the requests in flight and let the sender count what is left. A handler
                // that ignores cancellation gets a tenth of the timeout more; then the sender is left behind.
                await _abortSends.CancelAsync().ConfigureAwait(false);
                _wake.Set();
                try
                {
                    await _sender.WaitAsync(_shutdownTimeout / 10, _timeProvider).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _warnings.Warn("sender-stuck", "The sender did not stop after its requests were cancelled; it was left behind.");
                }
            }
        }

        Volatile.Write(ref _state, Stopped);
        long undelivered = Pending;
        bool noCredentials = Volatile.Read(ref _credentialsMissing);
        if (undelivered > 0)
        {
            _metrics.OnDropped(noCredentials ? DropReason.NoCredentials : DropReason.ShutdownTimeout, undelivered);
            Interlocked.Add(ref _finished, undelivered);
        }

        ReportShutdown(undelivered, noCredentials);
        _metrics.Unregister();
        _provisioner?.Dispose();
        _wake.Dispose();
        if (_ownsClient)
        {
            _client?.Dispose();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        // The sender never needs the caller's thread or context, so blocking here cannot deadlock.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Completes the next time the sender has taken everything queued (or all its bound allows) and waits (sends may be
    /// in flight); for tests that drive a fake clock.
    /// </summary>
    internal Task WhenSenderIdleAsync()
    {
        TaskCompletionSource idle = _senderIdle;
        _wake.Set();
        return idle.Task;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool Enqueue(ReadOnlySpan<byte> utf8Message, ReadOnlySpan<byte> suffix, long timestampMs, string streamName)
    {
        EnqueueResult result = _queue!.TryEnqueue(utf8Message, suffix, timestampMs, streamName, _queueFullWaitTimeout, out int evicted, out bool wakeSender);
        if (evicted > 0)
        {
            Interlocked.Add(ref _finished, evicted);
            Drop(DropReason.QueueFull, "queue-full", "The queue is full; the oldest events are being dropped. Raise QueueLimit or QueueByteLimit, or check why delivery is slow.", evicted);
        }

        if (wakeSender)
        {
            // The queue asks for this rarely: when it was empty (for the deadline), and once per batch's worth.
            _wake.Set();
        }

        if (result == EnqueueResult.Accepted)
        {
            return true;
        }

        if (result == EnqueueResult.Closed)
        {
            Drop(DropReason.AfterShutdown, "after-shutdown", "Received message after logging system shutdown; it was not sent.");
        }
        else
        {
            Drop(DropReason.QueueFull, "queue-full", "The queue is full; events are being dropped. Raise QueueLimit or QueueByteLimit, or check why delivery is slow.");
        }

        return false;
    }

    private void Drop(DropReason reason, string warningKind, string warning, long count = 1)
    {
        _metrics.OnDropped(reason, count);
        _warnings.Warn(warningKind, warning);
    }

    /// <summary>Events accepted and neither delivered nor counted as dropped yet.</summary>
    internal long Pending => (_queue?.Accepted ?? 0) + Interlocked.Read(ref _acceptedOutsideQueue) - Interlocked.Read(ref _finished);

    /// <summary>Records that events the sender held are finished with (delivered or dropped).</summary>
    private void Release(long events, long bytes)
    {
        Interlocked.Add(ref _heldEvents, -events);
        Interlocked.Add(ref _heldBytes, -bytes);
        Interlocked.Add(ref _finished, events);
    }

    private void Hold(long events, long bytes)
    {
        Interlocked.Add(ref _heldEvents, events);
        Interlocked.Add(ref _heldBytes, bytes);
    }

    private long NextBatchId() => Interlocked.Increment(ref _batchIds);

    private StreamBuffer NewStreamBuffer(string streamName) => new(streamName, _rules, _logGroupName, _senderMemory);

    private bool SendNow(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName)
    {
        int size = utf8Message.Length + CloudWatchLogHandlerOptions.EventOverhead;
        Interlocked.Increment(ref _acceptedOutsideQueue);
        Interlocked.Increment(ref _sentWithoutQueue);
        Hold(1, size);
        StreamBuffer buffer = NewStreamBuffer(streamName);
        long now = _timeProvider.GetTimestamp();
        buffer.Add(utf8Message, timestampMs, now, now, _nextBatchId);
        buffer.Seal(NextBatchId());
        buffer.Forget(); // a stream of one batch, not kept
        Batch sealedBatch = buffer.Sealed.First!.Value;
        bool finished = false;
        try
        {
            // The caller asked for synchronous sends: run on the pool (no caller context to deadlock on) and wait.
            Task.Run(async () =>
            {
                SenderScope.Enter();
                await _provisioner!.EnsureLogGroupAsync().ConfigureAwait(false);
                var work = new Stack<Batch>();
                work.Push(sealedBatch);
                while (work.TryPop(out Batch? batch))
                {
                    SendOutcome outcome = await SendBatchAsync(batch).ConfigureAwait(false);
                    switch (outcome.Result)
                    {
                        case SendResult.RetryLater:
                            await _retryPolicy.DelayAsync(outcome.Delay, _abortSends.Token).ConfigureAwait(false);
                            work.Push(batch);
                            break;
                        case SendResult.EndpointFailure:
                            // No circuit without a queue: the caller waits for this one event, with the batch's own backoff.
                            if (TryScheduleRetry(batch, outcome.Error!, _timeProvider.GetTimestamp(), out TimeSpan delay))
                            {
                                await _retryPolicy.DelayAsync(delay, _abortSends.Token).ConfigureAwait(false);
                                work.Push(batch);
                            }

                            break;
                        case SendResult.Split:
                            (Batch first, Batch second) = batch.Split();
                            work.Push(second);
                            work.Push(first);
                            break;
                        case SendResult.AccessDenied:
                            // Nothing waits in memory without queues: report the refusal and count the event.
                            Finish(batch, DropReason.DeliveryFailed, "access-denied", $"Failed to deliver logs: CloudWatch Logs refused the credentials: {outcome.Error?.Message}");
                            break;
                        default:
                            break;
                    }
                }

                finished = true;
            }).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e)
        {
            if (!finished)
            {
                Drop(DropReason.DeliveryFailed, "send-failed", $"Failed to deliver logs: {e.Message}");
                Release(1, size);
            }

            return false;
        }
    }

    /// <summary>
    /// The one background sender: drains the queue into per-stream batches, seals them by the batch rules, the
    /// deadline, a flush or shutdown, and sends them, one request per stream and a few streams at a time; batches that
    /// failed go back to the front of their stream, to be sent again after their backoff or when the circuit closes.
    /// All of its state is touched by this loop alone; sends report back through <see cref="_completedSends"/>.
    /// </summary>
    private async Task RunSenderAsync()
    {
        SenderScope.Enter();
        var streams = new Dictionary<string, StreamBuffer>(StringComparer.Ordinal);
        var unfinishedBatches = new SortedSet<long>();
        var splitPieces = new Dictionary<long, int>();
        var undrainedFlushes = new List<(long QueueTarget, TaskCompletionSource Done)>();
        var flushes = new List<(long UpToBatch, TaskCompletionSource Done)>();
        var ready = new List<StreamBuffer>();
        var drained = new List<QueuedEvent>(1024);
        long dispatches = 0;
        int inFlight = 0;
        bool finalReportWritten = false;
        bool lastLookAtCredentials = false;
        string? lastStreamName = null;
        EventQueue queue = _queue!;

        StreamBuffer StreamFor(string name)
        {
            if (!streams.TryGetValue(name, out StreamBuffer? stream))
            {
                stream = NewStreamBuffer(name);
                streams.Add(name, stream);
            }

            return stream;
        }

        try
        {
            await _provisioner!.EnsureLogGroupAsync().ConfigureAwait(false);
            while (true)
            {
                long now = _timeProvider.GetTimestamp();
                Interlocked.Increment(ref _senderRounds);

                // Take events only while what the sender holds stays within its bound: beyond it the queue fills up
                // and QueueFullMode applies, so memory stays bounded however slow or absent the service is.
                long roomEvents = _senderEventLimit - Interlocked.Read(ref _heldEvents);
                long roomBytes = _senderByteLimit - Interlocked.Read(ref _heldBytes);
                queue.OnSenderAwake();

                // In bites, so that writers never wait long for the queue's lock while the sender takes a backlog.
                bool drainedAny = false;
                while (roomEvents > 0 && roomBytes > 0 && _senderMemory.Bytes < _senderMemoryLimit && queue.Drain(drained, (int)Math.Min(roomEvents, DrainBite), roomBytes, out long queueNonEmptySince, out long bytes) > 0)
                {
                    Hold(drained.Count, bytes);
                    roomEvents -= drained.Count;
                    roomBytes -= bytes;
                    if (!drainedAny)
                    {
                        // Once per round, before the round's first event: not per bite.
                        ReportDropsInStream(StreamFor(drained[0].StreamName), drained[0].TimestampMs, now);
                    }

                    // Events come in runs of the same stream: look a stream up only when the name changes (the
                    // names are shared strings, so a reference check is enough to see a run continue).
                    string? lastName = null;
                    StreamBuffer? lastStream = null;
                    foreach (QueuedEvent queued in drained)
                    {
                        if (!ReferenceEquals(queued.StreamName, lastName))
                        {
                            lastName = queued.StreamName;
                            lastStream = StreamFor(lastName);
                        }

                        // The deadline counts from arrival; both bounds are no later than it, the later one is closer.
                        long arrivedAt = Math.Max(queued.Chunk.FirstWriteAt, queueNonEmptySince);
                        lastStream!.Add(queued.Message, queued.TimestampMs, arrivedAt, now, _nextBatchId);
                    }

                    lastStreamName = lastName;

                    // Every message is copied out: the next bite may reuse their chunks.
                    drained.Clear();
                    drainedAny = true;
                }

                if (drainedAny)
                {
                    queue.OnDrainProcessed();
                }

                bool accepted = false;
                while (_completedSends.TryDequeue(out (Batch Batch, SendOutcome Outcome) completed))
                {
                    inFlight--;
                    accepted |= completed.Outcome.Accepted;
                    OnSendCompleted(completed.Batch, completed.Outcome, streams[completed.Batch.StreamName], now, unfinishedBatches, splitPieces);
                }

                if (accepted && !_provisioner!.IsSetupDone)
                {
                    // The startup work met no credentials or no answer; a put has now been accepted, so it can be done.
                    await _provisioner.EnsureLogGroupAsync().ConfigureAwait(false);
                }

                // A flush covers the events accepted before it; once they are all out of the queue, it seals every batch.
                while (_flushRequests.TryDequeue(out (long QueueTarget, TaskCompletionSource Done) request))
                {
                    undrainedFlushes.Add(request);
                }

                long queueOut = queue.Removed;
                bool flushDrained = undrainedFlushes.Exists(f => f.QueueTarget <= queueOut);
                bool stopping = Volatile.Read(ref _state) is Stopping or Stopped;
                if (stopping && !lastLookAtCredentials && Volatile.Read(ref _credentialsMissing))
                {
                    // Credentials missing when shutdown began may be there now: look once more, at once. If they are not,
                    // waiting out ShutdownTimeout for them would only stall the application's exit.
                    lastLookAtCredentials = true;
                    _circuit.ProbeNow();
                }
                if (stopping && !finalReportWritten && queue.Count == 0)
                {
                    // The last drops of the run, however recent the last report: into the stream written last, before the
                    // final batches are sealed (drops after this are the shutdown's own and are reported on stderr).
                    finalReportWritten = true;
                    DateTimeOffset utcNow = _timeProvider.GetUtcNow();
                    ReportDropsInStream(StreamFor(lastStreamName ?? StreamNameFor(string.Empty, utcNow)), utcNow.ToUnixTimeMilliseconds(), now, force: true);
                }
                // At its bound with nothing sealed and nothing in flight, the sender would wait forever for batches to fill:
                // then, and only then, partial batches are sealed. Otherwise batches fill up to the limits.
                bool senderStuck = inFlight == 0 && SenderAtBound && !streams.Values.Any(s => s.Sealed.Count > 0);
                TimeSpan untilNextWork = Timeout.InfiniteTimeSpan;
                void WakeIn(TimeSpan wait)
                {
                    if (untilNextWork == Timeout.InfiniteTimeSpan || wait < untilNextWork)
                    {
                        untilNextWork = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
                    }
                }

                foreach (StreamBuffer stream in streams.Values)
                {
                    if (stream.OpenCount == 0)
                    {
                        continue;
                    }

                    // At shutdown, batches still fill while the queue has events for them: sealed only once it is drained.
                    TimeSpan waited = _timeProvider.GetElapsedTime(stream.OpenedAt, now);
                    if ((stopping && queue.Count == 0) || flushDrained || senderStuck || waited >= _sendInterval)
                    {
                        stream.Seal(NextBatchId());
                    }
                    else
                    {
                        WakeIn(_sendInterval - waited);
                    }
                }

                foreach (StreamBuffer stream in streams.Values)
                {
                    foreach (Batch batch in stream.Sealed)
                    {
                        unfinishedBatches.Add(batch.Id);
                    }
                }

                // A drained flush is done when every batch sealed up to now is done.
                long sealedUpTo = Interlocked.Read(ref _batchIds);
                undrainedFlushes.RemoveAll(flush =>
                {
                    if (flush.QueueTarget > queueOut)
                    {
                        return false;
                    }

                    flushes.Add((sealedUpTo, flush.Done));
                    return true;
                });

                bool aborted = _abortSends.IsCancellationRequested;
                if (!aborted)
                {
                    DropBatchesHeldPastTheirTime(streams, now, unfinishedBatches, splitPieces);
                }

                if (!aborted && inFlight < _maxConcurrentSends)
                {
                    // Round robin: the stream served longest ago goes first, so that a stream with a deep backlog
                    // cannot hold every request slot while a quiet stream's deadline passes. A stream waiting out
                    // a retry's backoff gives up its turn, and other streams keep sending.
                    ready.Clear();
                    foreach (StreamBuffer stream in streams.Values)
                    {
                        if (stream.InFlight || stream.Sealed.Count == 0)
                        {
                            continue;
                        }

                        if (stream.RetryAt > now)
                        {
                            WakeIn(_timeProvider.GetElapsedTime(now, stream.RetryAt));
                        }
                        else
                        {
                            ready.Add(stream);
                        }
                    }

                    ready.Sort(static (a, b) =>
                    {
                        int byTurn = a.LastDispatched.CompareTo(b.LastDispatched);
                        return byTurn != 0 ? byTurn : a.Sealed.First!.Value.Id.CompareTo(b.Sealed.First!.Value.Id);
                    });

                    foreach (StreamBuffer stream in ready)
                    {
                        if (inFlight >= _maxConcurrentSends || !_circuit.AllowsRequests(now, out bool isProbe))
                        {
                            break;
                        }

                        Batch batch = stream.Sealed.First!.Value;
                        stream.Sealed.RemoveFirst();
                        stream.LastDispatched = ++dispatches;
                        stream.InFlight = true;
                        inFlight++;
                        batch.IsProbe = isProbe;
                        if (isProbe)
                        {
                            _circuit.OnProbeSent();
                        }

                        _ = SendAndReportAsync(batch);
                    }

                    if (ready.Count > 0 && _circuit.UntilProbe(now) is { } untilProbe)
                    {
                        WakeIn(untilProbe);
                    }
                }

                long lowestUnfinished = unfinishedBatches.Count == 0 ? long.MaxValue : unfinishedBatches.Min;
                flushes.RemoveAll(flush =>
                {
                    if (flush.UpToBatch < lowestUnfinished)
                    {
                        flush.Done.TrySetResult();
                        return true;
                    }

                    return false;
                });

                ForgetIdleStreams(streams, now, atBound: SenderAtBound);
                Volatile.Write(ref _streamCount, streams.Count);

                if (aborted && inFlight == 0)
                {
                    return;
                }

                if (lastLookAtCredentials && inFlight == 0 && !_circuit.ProbeInFlight && _circuit.UntilProbe(now) != TimeSpan.Zero && Volatile.Read(ref _credentialsMissing))
                {
                    // The last look found none either: disposal counts what is left, now.
                    return;
                }

                if (stopping && queue.Count == 0 && inFlight == 0 && streams.Values.All(s => s.IsIdle))
                {
                    return;
                }

                // Writers wake the sender only when it would otherwise be late; tell the queue when that is.
                bool atBound = SenderAtBound;
                long wakeAt = queue.OnSenderSleeping(untilNextWork == Timeout.InfiniteTimeSpan ? long.MaxValue : now + (long)(untilNextWork.TotalSeconds * _timeProvider.TimestampFrequency), canTake: !atBound);
                TimeSpan wait = wakeAt == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(Math.Max(0, wakeAt - now) / (double)_timeProvider.TimestampFrequency);
                await WaitForWorkAsync(idle: queue.Count == 0 || atBound, wait).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_abortSends.IsCancellationRequested)
        {
            // Shutdown ran out of time while the sender was waiting on the service; disposal counts what is left.
        }
        catch (Exception e)
        {
            // The loop itself must never die silently: report, and let disposal count what is left.
            _warnings.Warn("sender-failed", $"The sender stopped after an unexpected error: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            foreach ((_, TaskCompletionSource done) in flushes.Concat(undrainedFlushes))
            {
                done.TrySetResult();
            }

            while (_flushRequests.TryDequeue(out (long QueueTarget, TaskCompletionSource Done) request))
            {
                request.Done.TrySetResult();
            }
        }
    }

    /// <summary>Acts on how a send ended: finish the batch, or put it (or its halves) back at the front of its stream.</summary>
    private void OnSendCompleted(Batch batch, SendOutcome outcome, StreamBuffer stream, long now, SortedSet<long> unfinishedBatches, Dictionary<long, int> splitPieces)
    {
        stream.InFlight = false;
        stream.LastActive = now;
        bool wasProbe = batch.IsProbe;
        batch.IsProbe = false;
        switch (outcome.Result)
        {
            case SendResult.Finished:
                OnServiceAnswered(outcome);
                OnBatchFinished(batch, unfinishedBatches, splitPieces);
                break;
            case SendResult.EndpointFailure:
                CloudWatchLogsException error = outcome.Error!;
                if (_circuit.OnEndpointFailure(now, wasProbe) && !IsUnreachable(error))
                {
                    _warnings.Warn("outage", $"CloudWatch Logs is unreachable or failing ({error.ErrorCode}: {error.ServiceMessage}). Delivery to log group '{_logGroupName}' is paused " +
                        $"for the endpoint as a whole and probed with one request at a time (first in {_circuit.Delay.TotalSeconds:0.###} s, backing off to {_retryPolicy.MaxBackoff.TotalSeconds:0.###} s); " +
                        $"events wait within QueueLimit and QueueByteLimit, and a batch is dropped once RetryTimeLimit ({_retryPolicy.TimeLimit?.TotalSeconds:0.###} s) has passed since its first attempt.");
                }

                if (TryScheduleRetry(batch, error, now, out TimeSpan delay))
                {
                    stream.Sealed.AddFirst(batch);
                    stream.RetryAt = now + (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
                }
                else
                {
                    OnBatchFinished(batch, unfinishedBatches, splitPieces);
                }

                break;
            case SendResult.RetryLater:
                stream.Sealed.AddFirst(batch);
                stream.RetryAt = now + (long)(outcome.Delay.TotalSeconds * _timeProvider.TimestampFrequency);

                break;
            case SendResult.Split:
                OnServiceAnswered(outcome);
                (Batch first, Batch second) = batch.Split();
                stream.Sealed.AddFirst(second);
                stream.Sealed.AddFirst(first);
                splitPieces[batch.Id] = splitPieces.GetValueOrDefault(batch.Id, 1) + 1;
                break;
            case SendResult.AccessDenied:
                stream.Sealed.AddFirst(batch);
                OnCredentialsRefused(outcome.Error!, now, wasProbe);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Credentials missing (no request could be signed) or refused by the service: delivery pauses and probes with
    /// backoff. Each cause gets a warning that says what it is and names the fix, once, then reminders at most once a
    /// minute while probes fail.
    /// </summary>
    private void OnCredentialsRefused(CloudWatchLogsException error, long now, bool wasProbe)
    {
        bool missing = error.ErrorCode == CredentialSource.MissingCredentialsCode;
        Volatile.Write(ref _credentialsMissing, missing);
        bool opened = _circuit.OnRefused(now, wasProbe);
        if (missing && (opened || wasProbe))
        {
            _warnings.Warn("no-credentials", opened
                ? $"{error.ServiceMessage} Nothing is sent to log group '{_logGroupName}' until credentials are found: events wait in memory (within QueueLimit and QueueByteLimit, then QueueFullMode applies), and credentials are looked for again in {_circuit.Delay.TotalSeconds:0.###} s, then less often."
                : $"Still no AWS credentials: {Pending} events wait for them (log group '{_logGroupName}').");
        }
        else if (opened)
        {
            _warnings.Warn("access-denied", $"CloudWatch Logs refused the credentials ({error.ErrorCode}: {error.ServiceMessage}). " +
                $"Delivery to log group '{_logGroupName}' is paused and will be tried again with backoff (first in {_circuit.Delay.TotalSeconds:0.###} s); " +
                "events are kept within QueueLimit and QueueByteLimit, then QueueFullMode applies. Check the credentials and that the IAM policy allows logs:PutLogEvents and logs:CreateLogStream.");
        }
    }

    /// <summary>What an answer from the service means for the circuit: an accepted request closes it; any answer ends an outage.</summary>
    private void OnServiceAnswered(SendOutcome outcome)
    {
        if (outcome.Accepted)
        {
            Volatile.Write(ref _credentialsMissing, false);
        }

        Pause pause = _circuit.Pause;
        if (outcome.Accepted ? _circuit.OnAccepted() : outcome.Answered && _circuit.OnAnswered())
        {
            _warnings.Warn(
                pause == Pause.AccessDenied ? "access-restored" : "outage-over",
                pause == Pause.AccessDenied
                    ? $"CloudWatch Logs accepts the credentials again; delivery to log group '{_logGroupName}' resumed."
                    : $"CloudWatch Logs answers again; delivery to log group '{_logGroupName}' resumed.");
        }
    }

    /// <summary>The flush bookkeeping of a finished batch: the halves of a split batch share its id, which is finished with its last piece.</summary>
    private static void OnBatchFinished(Batch batch, SortedSet<long> unfinishedBatches, Dictionary<long, int> splitPieces)
    {
        if (splitPieces.TryGetValue(batch.Id, out int pieces) && pieces > 1)
        {
            splitPieces[batch.Id] = pieces - 1;
        }
        else
        {
            splitPieces.Remove(batch.Id);
            unfinishedBatches.Remove(batch.Id);
        }
    }

    /// <summary>
    /// After an endpoint failure: when to send the batch again. While the endpoint is paused for an outage, that is
    /// when the circuit's probe is due; otherwise the batch backs off on its own (capped exponential, full jitter).
    /// Either way the batch is dropped, and counted, once its next attempt would start past RetryTimeLimit from its first.
    /// </summary>
    /// <returns>False when the batch was dropped.</returns>
    private bool TryScheduleRetry(Batch batch, CloudWatchLogsException error, long now, out TimeSpan delay)
    {
        TimeSpan elapsed = _timeProvider.GetElapsedTime(batch.FirstAttemptAt ?? now, now);
        bool retry;
        if (_circuit.Pause == Pause.Outage)
        {
            delay = _circuit.UntilProbe(now) is { } untilProbe && untilProbe > TimeSpan.Zero ? untilProbe : TimeSpan.Zero;
            retry = _retryPolicy.TimeLimit is not { } limit || elapsed + delay <= limit;
        }
        else
        {
            retry = _retryPolicy.TryGetRetryDelay(batch.Attempts, error, elapsed, out delay);
        }

        if (retry)
        {
            // Only a put can have stored the batch; a failed CreateLogGroup or CreateLogStream on the way cannot.
            batch.MayHaveBeenDelivered = error.MayHaveBeenProcessed && error.Operation == "PutLogEvents";
            _metrics.OnRetry();
            if (IsUnreachable(error))
            {
                // One cause, one line (then at most one a minute): what failed, where, and what to check.
                _warnings.Warn("unreachable", $"Cannot reach CloudWatch Logs at {_client!.ServiceUrl} ({error.ServiceMessage}); check ServiceUrl and Region, and the network or proxy in between. " +
                    $"Delivery to log group '{_logGroupName}' is retried with backoff, one request at a time while the endpoint stays unreachable; events wait within QueueLimit and QueueByteLimit, and a batch is dropped after RetryTimeLimit ({_retryPolicy.TimeLimit?.TotalSeconds:0.###} s).");
            }
            else
            {
                _warnings.Warn("retrying-" + error.ErrorCode, $"Delivery to log stream '{batch.StreamName}' failed ({error.ErrorCode}: {error.ServiceMessage}); retrying with backoff for up to {_retryPolicy.TimeLimit?.TotalSeconds:0.###} s from the batch's first attempt.");
            }

            return true;
        }

        Finish(batch, DropReason.RetryTimeLimit, "retry-time-limit",
            $"Failed to deliver logs: {batch.Count} events for log stream '{batch.StreamName}' were dropped after {batch.Attempts} attempts over {elapsed.TotalSeconds:0.###} s (RetryTimeLimit); the last error was {error.ErrorCode}: {error.ServiceMessage}");
        return false;
    }

    /// <summary>A failure with no answer at all (connection refused or reset, a name that does not resolve, a timeout).</summary>
    private static bool IsUnreachable(CloudWatchLogsException error) => error.StatusCode is null && error.Kind == CloudWatchErrorKind.Transient;

    /// <summary>
    /// While the endpoint is paused for an outage, only the probe is attempted; the batches waiting behind it count their
    /// time from when they were first held back, and each is dropped (counted as retry_time_limit) once the probe would
    /// come too late for it, so that an endless outage cannot hold old events while new ones are refused.
    /// </summary>
    private void DropBatchesHeldPastTheirTime(Dictionary<string, StreamBuffer> streams, long now, SortedSet<long> unfinishedBatches, Dictionary<long, int> splitPieces)
    {
        if (_circuit.Pause != Pause.Outage || _circuit.UntilProbe(now) is not { } untilProbe || _retryPolicy.TimeLimit is not { } limit)
        {
            return;
        }

        foreach (StreamBuffer stream in streams.Values)
        {
            while (!stream.InFlight && stream.Sealed.First is { } first)
            {
                Batch held = first.Value;
                held.FirstAttemptAt ??= now;
                TimeSpan elapsed = _timeProvider.GetElapsedTime(held.FirstAttemptAt.Value, now);
                if (elapsed + untilProbe <= limit)
                {
                    break;
                }

                stream.Sealed.RemoveFirst();
                Finish(held, DropReason.RetryTimeLimit, "retry-time-limit",
                    $"Failed to deliver logs: {held.Count} events for log stream '{held.StreamName}' were dropped after waiting {elapsed.TotalSeconds:0.###} s for CloudWatch Logs to answer again (RetryTimeLimit).");
                OnBatchFinished(held, unfinishedBatches, splitPieces);
            }
        }
    }

    /// <param name="idle">Whether the sender has taken all it can: what <see cref="WhenSenderIdleAsync"/> waits for.</param>
    /// <param name="untilNextWork">When the next deadline, retry or probe is due.</param>
    private Task WaitForWorkAsync(bool idle, TimeSpan untilNextWork)
    {
        _wake.SetAfter(untilNextWork);
        Task woken = _wake.WaitAsync();

        // Signalled only once the deadline timer is armed, so that a test advancing a fake clock cannot get ahead of it.
        if (idle)
        {
            Interlocked.Exchange(ref _senderIdle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        return woken;
    }

    /// <summary>
    /// Writes "Watchtower: N events dropped: …" into the stream of the first event taken after drops, so that whoever
    /// reads the stream sees the gap where it is. At most one report per interval; the report's timestamp is that
    /// event's, and it sorts before it.
    /// </summary>
    /// <param name="stream">Where the report goes.</param>
    /// <param name="timestampMs">Its timestamp.</param>
    /// <param name="now">The sender's clock.</param>
    /// <param name="force">Whether to report however recent the last report was (at shutdown).</param>
    private void ReportDropsInStream(StreamBuffer stream, long timestampMs, long now, bool force = false)
    {
        if (!_reportDropsInStream || (!force && _lastInBandReport is { } last && _timeProvider.GetElapsedTime(last, now) < s_inBandReportInterval))
        {
            return;
        }

        var parts = new List<string>();
        long total = 0;
        foreach (DropReason reason in Enum.GetValues<DropReason>())
        {
            if (reason is DropReason.AfterShutdown or DropReason.ShutdownTimeout)
            {
                continue;
            }

            long dropped = _metrics.Dropped(reason);
            long unreported = dropped - _dropsReportedInBand[(int)reason];
            if (unreported > 0)
            {
                _dropsReportedInBand[(int)reason] = dropped;
                total += unreported;
                parts.Add($"{reason.TagValue().Replace('_', ' ')} {unreported}");
            }
        }

        if (total == 0)
        {
            return;
        }

        _lastInBandReport = now;
        string message = $"Watchtower: {total} {(total == 1 ? "event" : "events")} dropped: {string.Join(", ", parts)}.";
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(message);
        Interlocked.Increment(ref _acceptedOutsideQueue);
        Hold(1, utf8.Length + CloudWatchLogHandlerOptions.EventOverhead);
        stream.Add(utf8, timestampMs, now, now, _nextBatchId);
    }

    /// <summary>
    /// Forgets streams with nothing to do: once a minute, those idle for five minutes (they cost nothing to remember
    /// again); at the sender's bound, every idle one at once (at most once a second), since their memory counts against it.
    /// </summary>
    private void ForgetIdleStreams(Dictionary<string, StreamBuffer> streams, long now, bool atBound)
    {
        TimeSpan sinceSweep = _timeProvider.GetElapsedTime(_lastIdleSweep, now);
        if (sinceSweep < (atBound ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1)))
        {
            return;
        }

        _lastIdleSweep = now;
        TimeSpan lifetime = atBound ? TimeSpan.Zero : s_idleStreamLifetime;
        foreach (StreamBuffer stream in streams.Values.Where(s => s.IsIdle && _timeProvider.GetElapsedTime(s.LastActive, now) >= lifetime).ToList())
        {
            streams.Remove(stream.Name);
            stream.Forget();
        }
    }

    private async Task SendAndReportAsync(Batch batch)
    {
        SendOutcome outcome = new(SendResult.Abandoned);
        try
        {
            outcome = await SendBatchAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _completedSends.Enqueue((batch, outcome));
            _wake.Set();
        }
    }

    /// <summary>
    /// One attempt at a batch, classified: delivered (events the service refused are counted by reason), dropped and
    /// counted, or to be sent again (later, halved, or when the credentials are accepted). Events CloudWatch would
    /// refuse for their age are counted and not sent. A missing group or stream is created (when allowed) and the same
    /// batch sent again at once. Never throws.
    /// </summary>
    private async Task<SendOutcome> SendBatchAsync(Batch batch)
    {
        // A batch held back by an outage has counted its time since then already.
        batch.FirstAttemptAt ??= _timeProvider.GetTimestamp();

        if (!DropEventsOutsideAcceptedWindow(batch))
        {
            batch.ReturnBuffers();
            return new SendOutcome(SendResult.Finished);
        }

        batch.Attempts++;
        if (batch.MayHaveBeenDelivered)
        {
            // The last attempt may have been stored although its answer was lost: this one can duplicate it.
            _metrics.OnPossiblyDuplicated(batch.Count);
            batch.MayHaveBeenDelivered = false;
        }

        try
        {
            for (int created = 0; ; created++)
            {
                try
                {
                    PutLogEventsResponse response = await _client!.PutLogEventsOnceAsync(batch.Body, _abortSends.Token).ConfigureAwait(false);
                    int rejected = ReportRejected(response.RejectedLogEventsInfo, batch);
                    _metrics.OnBatchSent(batch.Count - rejected, batch.Bytes);
                    Release(batch.Count, batch.Bytes);
                    batch.ReturnBuffers();
                    return new SendOutcome(SendResult.Finished, Accepted: true, Answered: true);
                }
                catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceNotFound && created < MaxCreateAttempts)
                {
                    if (!await _provisioner!.TryCreateMissingAsync(batch.StreamName, e).ConfigureAwait(false))
                    {
                        return Finish(batch, DropReason.DeliveryFailed, "deliver-not-found", $"Failed to deliver logs: {e.Message}");
                    }

                    _metrics.OnRetry();
                }
            }
        }
        catch (CloudWatchLogsException e)
        {
            return OnSendFailed(batch, e);
        }
        catch (OperationCanceledException) when (_abortSends.IsCancellationRequested)
        {
            // Shutdown ran out of time; disposal counts these as not delivered.
            batch.BodyReusable = false;
            return new SendOutcome(SendResult.Abandoned);
        }
        catch (Exception e)
        {
            // Not an error the client knows (the HTTP stack has surprised us before): the request may or may not have
            // gone out. A few more tries, as for a network error, rather than losing the batch to one surprise; then,
            // since it may be a fault of ours that would fail every time, the batch is given up so the stream moves on.
            batch.BodyReusable = false;
            if (++batch.UnexpectedFailures < MaxUnexpectedFailures)
            {
                batch.MayHaveBeenDelivered = true;
                _metrics.OnRetry();
                _warnings.Warn("deliver-unexpected", $"Delivery to log stream '{batch.StreamName}' failed unexpectedly ({e.GetType().Name}: {e.Message}); trying again.");
                TimeSpan elapsed = _timeProvider.GetElapsedTime(batch.FirstAttemptAt!.Value);
                TimeSpan delay = _retryPolicy.TryGetRetryDelay(batch.Attempts, s_unexpected, elapsed, out TimeSpan backoff) ? backoff : TimeSpan.Zero;
                return new SendOutcome(SendResult.RetryLater, Delay: delay);
            }

            return Finish(batch, DropReason.DeliveryFailed, "deliver-unexpected-dropped", $"Failed to deliver logs: {batch.Count} events for log stream '{batch.StreamName}' were dropped after {batch.UnexpectedFailures} unexpected failures, the last {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The error taxonomy: what to do with a batch whose attempt failed.</summary>
    private SendOutcome OnSendFailed(Batch batch, CloudWatchLogsException error)
    {
        if (error.StatusCode is null && error.Kind == CloudWatchErrorKind.Transient)
        {
            // A timeout or a lost connection: the HTTP stack may not be done with the body yet, so it is never reused.
            batch.BodyReusable = false;
        }

        switch (error.Kind)
        {
            case CloudWatchErrorKind.Throttling or CloudWatchErrorKind.Transient:
                // The loop decides, with the circuit that it alone owns.
                return new SendOutcome(SendResult.EndpointFailure, Error: error);

            case CloudWatchErrorKind.InvalidParameter when batch.Count > 1:
                // Find the offending events by halving: the others are delivered, and only those are dropped.
                _metrics.OnRetry();
                return new SendOutcome(SendResult.Split, Answered: true);

            case CloudWatchErrorKind.InvalidParameter:
                return Finish(batch, DropReason.InvalidEvent, "invalid-event", $"Failed to deliver logs: CloudWatch Logs refused an event for log stream '{batch.StreamName}': {error.ErrorCode}: {error.ServiceMessage}") with { Answered = true };

            case CloudWatchErrorKind.AccessDenied:
                return new SendOutcome(SendResult.AccessDenied, Error: error);

            default:
                return Finish(batch, DropReason.DeliveryFailed, "deliver-" + error.ErrorCode, $"Failed to deliver logs: {error.Message}") with { Answered = error.StatusCode is not null };
        }
    }

    private SendOutcome Finish(Batch batch, DropReason reason, string warningKind, string warning)
    {
        Drop(reason, warningKind, warning, batch.Count);
        Release(batch.Count, batch.Bytes);
        batch.ReturnBuffers();
        return new SendOutcome(SendResult.Finished);
    }

    /// <summary>Counts and removes the events CloudWatch would refuse for their age now; false when none is left to send.</summary>
    private bool DropEventsOutsideAcceptedWindow(Batch batch)
    {
        (int tooOld, int expired, int tooNew) = BatchRules.CountOutsideAcceptedWindow(batch.Events, _timeProvider.GetUtcNow(), _retentionDays);
        int outside = tooOld + expired + tooNew;
        if (outside == 0)
        {
            return true;
        }

        _metrics.OnDropped(DropReason.RejectedTooOld, tooOld);
        _metrics.OnDropped(DropReason.RejectedExpired, expired);
        _metrics.OnDropped(DropReason.RejectedTooNew, tooNew);
        _warnings.Warn("outside-window", $"Not sending {outside} events for log stream '{batch.StreamName}' that CloudWatch Logs would refuse (older than 14 days: {tooOld}, older than the retention: {expired}, more than 2 hours ahead: {tooNew}). Check the clock and the timestamps given.");
        long bytesBefore = batch.Bytes;
        int countBefore = batch.Count;
        batch.Keep(tooOld + expired, countBefore - outside);
        Release(countBefore - batch.Count, bytesBefore - batch.Bytes);
        return batch.Count > 0;
    }

    /// <summary>Counts and warns about the events of a sent batch that the service refused; returns how many.</summary>
    private int ReportRejected(RejectedLogEventsInfo? info, Batch batch)
    {
        if (info is null)
        {
            return 0;
        }

        int count = batch.Count;
        (int expired, int tooOld, int tooNew) = info.CountRejectedByReason(count);
        _metrics.OnDropped(DropReason.RejectedExpired, expired);
        _metrics.OnDropped(DropReason.RejectedTooOld, tooOld);
        _metrics.OnDropped(DropReason.RejectedTooNew, tooNew);
        int rejected = expired + tooOld + tooNew;
        if (rejected > 0)
        {
            _warnings.Warn("rejected", $"Failed to deliver logs: CloudWatch Logs refused {rejected} of {count} events in a batch for stream '{batch.StreamName}' (too old: {tooOld}, too new: {tooNew}, older than retention: {expired}).");
        }

        return rejected;
    }

    private void ReportShutdown(long undelivered, bool noCredentials)
    {
        if (undelivered > 0)
        {
            _warnings.Warn("shutdown", noCredentials
                ? $"{undelivered} events were not delivered to log group '{_logGroupName}': no AWS credentials were found."
                : $"Timed out while delivering logs: {undelivered} events were not delivered to log group '{_logGroupName}' within the shutdown timeout of {_shutdownTimeout.TotalSeconds:0.###} s.");
        }

        DropReason reportedAbove = noCredentials ? DropReason.NoCredentials : DropReason.ShutdownTimeout;
        long dropped = _metrics.DroppedTotal - undelivered;
        if (dropped > 0)
        {
            _warnings.Warn("shutdown-summary", $"{dropped} events for log group '{_logGroupName}' were dropped during this run: " +
                string.Join(", ", Enum.GetValues<DropReason>().Where(r => _metrics.Dropped(r) > 0 && r != reportedAbove).Select(r => $"{r.TagValue()} {_metrics.Dropped(r)}")) + ".");
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    /// <summary>
    /// A termination signal that nothing before us cancelled: the process is about to end (on .NET 10 without raising
    /// ProcessExit), unless a handler registered before this one keeps it alive. Deliver what is queued now, within
    /// ShutdownTimeout, but do not shut down: if the application goes on (it handles Ctrl-C itself), so does logging.
    /// </summary>
    private void OnTerminationSignal(System.Runtime.InteropServices.PosixSignal signal)
    {
        if (Volatile.Read(ref _state) != Running)
        {
            return;
        }

        try
        {
            Task flush = FlushAsync();
            if (!flush.Wait(_shutdownTimeout) && Pending is > 0 and long pending)
            {
                _warnings.Warn("signal", $"{signal} is ending the process: {pending} events for log group '{_logGroupName}' could not be delivered within the shutdown timeout of {_shutdownTimeout.TotalSeconds:0.###} s.");
            }
        }
        catch (Exception e)
        {
            // On the runtime's signal thread: nothing may escape, and the process must still end.
            _warnings.Warn("signal-failed", $"Delivering on {signal} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <param name="Result">What to do with the batch.</param>
    /// <param name="Delay">For <see cref="SendResult.RetryLater"/>: the backoff.</param>
    /// <param name="Accepted">Whether CloudWatch stored the batch.</param>
    /// <param name="Error">The failure, for the loop's decision.</param>
    /// <param name="Answered">Whether the service itself answered (accepted, or refused the request on its merits): the endpoint is up.</param>
    private readonly record struct SendOutcome(SendResult Result, TimeSpan Delay = default, bool Accepted = false, CloudWatchLogsException? Error = null, bool Answered = false);
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// application never does, the handler does so itself when the process exits, is signalled to end, or dies of an
/// unhandled exception.
/// </remarks>
public sealed class CloudWatchLogHandler : IDisposable, IAsyncDisposable
{
    private const int Running = 0;
    private const int Stopping = 1;
    private const int Stopped = 2;

    // The process is dying of an unhandled exception: events are still taken, and each is delivered before its logging
    // call returns, within what is left of ShutdownTimeout (the runtime ends the process once the handlers return).
    private const int Dying = 3;

    // A thread keeps a buffer this large for encoding messages; larger messages borrow one from the pool.
    private const int MaxThreadBufferSize = 64 * 1024;

    [ThreadStatic]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "t_ marks a thread-static field, as in dotnet/runtime.")]
    private static byte[]? t_encodeBuffer;

    private readonly string _logGroupName;
    private readonly StreamNames _streamNames;
    private readonly BatchRules _rules;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _queueFullWaitTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ShippingLog _log;
    private readonly DeliveryLedger _ledger;
    private readonly EngineParts? _parts;

    // Why nothing can be shipped in this process (no region, a missing profile), or null when all is set up.
    private readonly string? _notConfigured;
    private readonly EventQueue? _queue;
    private readonly SenderLoop? _loop;
    private readonly SynchronousSender? _direct;
    private readonly Task? _sender;
    private readonly TerminationSignals? _signals;
    private long _dyingDeadline;
    private int _state;

    /// <summary>Creates a handler; nothing is sent until the first event, and no AWS call is made here.</summary>
    /// <param name="options">Where and how to send. Checked now: every problem is named in one <see cref="ArgumentException"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <remarks>
    /// What the machine lacks (no region, a profile that is not there) does not throw: it is reported once on stderr,
    /// and every event is counted as dropped (reason <c>not_configured</c>), so that the application keeps running.
    /// </remarks>
    public CloudWatchLogHandler(CloudWatchLogHandlerOptions options)
        : this(options, TimeProvider.System, warnings: null)
    {
    }

    internal CloudWatchLogHandler(CloudWatchLogHandlerOptions options, TimeProvider timeProvider, WarningSink? warnings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();

        _timeProvider = timeProvider;
        _logGroupName = options.LogGroupName;
        _streamNames = new StreamNames(StreamNameTemplate.Parse(options.LogStreamName));
        _rules = new BatchRules(options.MaxBatchSize, options.MaxBatchCount, options.MaxMessageSize);
        _shutdownTimeout = options.ShutdownTimeout;
        _queueFullWaitTimeout = options.QueueFullMode == QueueFullMode.Wait ? options.QueueFullWaitTimeout : TimeSpan.Zero;
        (CloudWatchLogsClient? client, bool ownsClient, _notConfigured) = EngineParts.CreateClient(options, timeProvider);
        if (options.UseQueues && client is not null)
        {
            // A batch's worth waiting is worth waking the sender for; fewer events wait for their deadline.
            _queue = new EventQueue(options.QueueLimit, options.QueueByteLimit, options.QueueFullMode, timeProvider, wakeCount: options.MaxBatchCount, wakeBytes: options.MaxBatchSize, deadline: options.SendInterval);
        }

        _ledger = EngineParts.CreateLedger(options, _queue);
        var metrics = new HandlerMetrics(_logGroupName, () => _queue?.Count ?? 0, () => _ledger.Enqueued);
        _log = new ShippingLog(warnings ?? WarningSink.StandardError(timeProvider), metrics, _logGroupName);
        if (client is null)
        {
            _log.NotConfiguredAtStartup(_notConfigured!);
        }
        else
        {
            _parts = new EngineParts(options, client, ownsClient, _queue, _ledger, _log, _rules, _streamNames, timeProvider);
            if (_queue is null)
            {
                _direct = new SynchronousSender(_parts.Sender, _rules, _logGroupName);
            }
            else
            {
                _loop = new SenderLoop(_parts.Sender, options.SendInterval, options.MaxConcurrentSends);

                // The sender must not inherit the first caller's async-locals (logging scopes, activity); it marks its own.
                using (ExecutionContext.SuppressFlow())
                {
                    _sender = Task.Run(_loop.RunAsync);
                }

                _signals = TerminationSignals.Register(OnTerminationSignal);
                AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
            }
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The log group events go to.</summary>
    public string LogGroupName => _logGroupName;

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
            _log.EmitFailed(e);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            _log.EmitFailed(e);
            return false;
        }
    }

    /// <summary>Checks, truncates and queues (or sends) one event; the caller has checked the state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Accept(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, bool truncated)
    {
        if (utf8Message.IsEmpty)
        {
            _log.EmptyMessage();
            return false;
        }

        int keep = _rules.KeepLength(utf8Message, out bool cut);
        if (truncated || cut)
        {
            _log.Truncated(_rules.MaxMessageSize);
        }

        // A cut message is queued as what it keeps and the marker, both copied: the caller's bytes are only read.
        ReadOnlySpan<byte> marker = cut ? BatchRules.Marker : default;
        return _queue is not null ? Enqueue(utf8Message[..keep], marker, timestampMs, streamName)
            : _direct is not null ? _direct.Send(cut ? [.. utf8Message[..keep], .. marker] : utf8Message, timestampMs, streamName)
            : DropNotConfigured();
    }

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

    internal HandlerMetrics Metrics => _log.Metrics;

    internal DeliveryLedger Ledger => _ledger;

    internal CloudWatchLogsClient Client => _parts?.Client ?? throw new InvalidOperationException(_notConfigured);

    /// <summary>How many rounds the sender loop has run, for tests that it sleeps when it has nothing it can do.</summary>
    internal long SenderRounds => _loop?.Rounds ?? 0;

    /// <summary>How many streams the sender remembers, for tests of idle-stream eviction.</summary>
    internal int StreamCount => _loop?.StreamCount ?? 0;

    /// <summary>Events the sender holds (open, sealed, in flight and waiting to retry), for tests of the memory bound.</summary>
    internal long HeldEvents => _ledger.HeldEvents;

    /// <summary>Bytes the sender holds, counted as CloudWatch counts them.</summary>
    internal long HeldBytes => _ledger.HeldBytes;

    /// <summary>The sender's bound on <see cref="HeldEvents"/> and <see cref="HeldBytes"/>.</summary>
    internal (long Events, long Bytes) SenderLimits => (_ledger.Limits.Events, _ledger.Limits.Bytes);

    /// <summary>The memory the sender holds for its streams and batches (arrays' capacity, objects), for tests of its bound.</summary>
    internal long HeldMemory => _ledger.Memory.Bytes;

    /// <summary>The sender's bound on <see cref="HeldMemory"/>.</summary>
    internal long SenderMemoryLimit => _ledger.Limits.Memory;

    /// <summary>The queue, for tests of the memory bound.</summary>
    internal EventQueue? Queue => _queue;

    /// <summary>Whether delivery is paused because the credentials were refused.</summary>
    internal bool IsPausedForAccess => _loop?.IsPausedFor(Pause.AccessDenied) ?? false;

    /// <summary>Whether delivery is paused because the endpoint cannot be reached or is failing.</summary>
    internal bool IsPausedForOutage => _loop?.IsPausedFor(Pause.Outage) ?? false;

    /// <summary>Events accepted and neither delivered nor counted as dropped yet.</summary>
    internal long Pending => _ledger.Pending;

    /// <summary>
    /// Sends every event given to <see cref="Emit"/> before this call, without waiting for the delivery deadline,
    /// and completes when each is delivered or counted as dropped.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the events are still sent.</param>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_queue is null || _parts is null || Volatile.Read(ref _state) == Stopped)
        {
            return Task.CompletedTask;
        }

        Task flushed = _parts.Flushes.Request(_queue.Accepted, cancellationToken);
        _parts.Wake.Set();
        return flushed;
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
        if (_loop is not null && _sender is not null)
        {
            _queue!.Close();
            _loop.BeginStop();
            await StopSenderAsync(_sender).ConfigureAwait(false);
        }

        Volatile.Write(ref _state, Stopped);
        long undelivered = _ledger.Pending;
        if (undelivered > 0)
        {
            _ledger.GiveUp(undelivered);
        }

        _log.Shutdown(undelivered, _loop?.CredentialsMissing ?? false, _shutdownTimeout);
        _log.Metrics.Unregister();
        _parts?.Dispose();
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
    internal Task WhenSenderIdleAsync() => _loop?.WhenIdleAsync() ?? Task.CompletedTask;

    /// <summary>For tests: what the runtime does when the process dies of an unhandled exception, short of ending it.</summary>
    internal void SimulateUnhandledException(Exception exception) => OnUnhandledException(this, new UnhandledExceptionEventArgs(exception, isTerminating: true));

    private bool DropAfterShutdown()
    {
        _log.AfterShutdown();
        return false;
    }

    private bool DropNotConfigured()
    {
        _log.NotConfigured(_notConfigured!);
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Enqueue(ReadOnlySpan<byte> utf8Message, ReadOnlySpan<byte> suffix, long timestampMs, string streamName)
    {
        EnqueueResult result = _queue!.TryEnqueue(utf8Message, suffix, timestampMs, streamName, _queueFullWaitTimeout, out int evicted, out bool wakeSender);
        if (evicted > 0)
        {
            _log.QueueFull(evicted);
        }

        if (wakeSender)
        {
            // The queue asks for this rarely: when it was empty (for the deadline), and once per batch's worth.
            _parts!.Wake.Set();
        }

        if (result == EnqueueResult.Accepted)
        {
            return true;
        }

        if (result == EnqueueResult.Closed)
        {
            _log.AfterShutdown();
        }
        else
        {
            _log.QueueFull();
        }

        return false;
    }

    /// <summary>Waits for the sender within ShutdownTimeout; past it, abandons the requests in flight, and past a tenth more, leaves it behind.</summary>
    private async Task StopSenderAsync(Task sender)
    {
        try
        {
            await sender.WaitAsync(_shutdownTimeout, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A handler that ignores cancellation gets a tenth of the timeout more; then the sender is left behind.
            await _parts!.AbortSends.CancelAsync().ConfigureAwait(false);
            _parts.Wake.Set();
            try
            {
                await sender.WaitAsync(_shutdownTimeout / 10, _timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _log.SenderStuck();
            }
        }
    }

    /// <summary>An event logged while the process dies (by an UnhandledException handler, often): taken, then delivered before this returns.</summary>
    private bool EmitWhileDying(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, bool truncated)
    {
        bool accepted = Accept(utf8Message, timestampMs, streamName, truncated);
        DeliverBeforeDying();
        return accepted;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

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
            if ((left <= TimeSpan.Zero || !FlushAsync().Wait(left)) && _ledger.Pending is > 0 and long pending)
            {
                _log.Dying(pending, _shutdownTimeout);
            }
        }
        catch (Exception failure)
        {
            // Whatever happens here, the process must go on dying of its own exception, not of ours.
            _log.DyingFailed(failure);
        }
    }

    /// <summary>
    /// A termination signal that nothing before us cancelled: the process is about to end (on .NET 10 without raising
    /// ProcessExit), unless a handler registered before this one keeps it alive. Deliver what is queued now, within
    /// ShutdownTimeout, but do not shut down: if the application goes on (it handles Ctrl-C itself), so does logging.
    /// </summary>
    private void OnTerminationSignal(PosixSignal signal)
    {
        if (Volatile.Read(ref _state) != Running)
        {
            return;
        }

        try
        {
            if (!FlushAsync().Wait(_shutdownTimeout) && _ledger.Pending is > 0 and long pending)
            {
                _log.Signal(signal, pending, _shutdownTimeout);
            }
        }
        catch (Exception e)
        {
            // On the runtime's signal thread: nothing may escape, and the process must still end.
            _log.SignalFailed(signal, e);
        }
    }
}

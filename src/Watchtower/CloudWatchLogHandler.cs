using System.Runtime.CompilerServices;
using Watchtower.Diagnostics;
using Watchtower.Shipping;
using Watchtower.Text;

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

    private readonly string _logGroupName;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _queueFullWaitTimeout;
    private readonly EngineParts _parts;

    // What the hot path reads, in fields of its own (one load each).
    private readonly BatchRules _rules;
    private readonly ShippingLog _log;
    private readonly EventQueue? _queue;
    private readonly SynchronousSender? _direct;
    private readonly Buffering.DurabilityGate? _durable;
    private readonly ProcessEndHooks _processEnd;
    private int _state;

    /// <summary>Creates a handler; nothing is sent until the first event, and no AWS call is made here.</summary>
    /// <param name="options">Where and how to send. Checked now: every problem is named in one <see cref="ArgumentException"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// <see cref="CloudWatchLogHandlerOptions.BufferDirectory"/> is in use by another live handler, in this process or another.
    /// </exception>
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

        _logGroupName = options.LogGroupName;
        _shutdownTimeout = options.ShutdownTimeout;
        _queueFullWaitTimeout = options.QueueFullMode == QueueFullMode.Wait ? options.QueueFullWaitTimeout : TimeSpan.Zero;
        _parts = EngineParts.Create(options, timeProvider, warnings);
        (_rules, _log, _queue, _direct, _durable) = (_parts.Rules, _parts.Log, _parts.Queue, _parts.Direct, _parts.Gate);
        _parts.StartSender();

        _processEnd = new ProcessEndHooks(Dispose, () => FlushAsync(), () => Volatile.Read(ref _state) == Running, () => Interlocked.CompareExchange(ref _state, Dying, Running) == Running, _parts.Ledger, _log, timeProvider, _shutdownTimeout, hasSender: _parts.Loop is not null);
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
        byte[] buffer = EncodeBuffer.Rent(_rules.EncodeBufferSize(message.Length));
        try
        {
            int length = _rules.Encode(message, buffer, out bool truncated);
            return EmitUtf8(buffer.AsSpan(0, length), timestamp, streamName, truncated);
        }
        catch (Exception e)
        {
            _log.EmitFailed(e);
            return false;
        }
        finally
        {
            EncodeBuffer.Return(buffer);
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
    public CloudWatchStreamName GetStreamName(string loggerName) => new(_parts.Names, loggerName ?? string.Empty);

    /// <summary>The stream an event of <paramref name="loggerName"/> at <paramref name="timestamp"/> goes to, from the template, on the calling thread.</summary>
    /// <param name="loggerName">The logger or category, for the <c>{logger_name}</c> placeholder.</param>
    /// <param name="timestamp">When the event happened (for the template's time placeholders).</param>
    public string StreamNameFor(string loggerName, DateTimeOffset timestamp) => _parts.Names.For(loggerName ?? string.Empty, timestamp);

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

    /// <summary>What has become of the events given so far: accepted, delivered, dropped by reason. A snapshot.</summary>
    public DeliveryReport GetReport() => new(_log.Metrics);

    // For tests, which read the parts through extension members of their own (tests/Support/HandlerInspection.cs).
    internal HandlerMetrics Metrics => _log.Metrics;

    internal DeliveryLedger Ledger => _parts.Ledger;

    internal EventQueue? Queue => _queue;

    internal SenderLoop? Loop => _parts.Loop;

    internal ProcessEndHooks ProcessEnd => _processEnd;

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
            await _parts.SenderStopped.ConfigureAwait(false);
            return;
        }

        _processEnd.Dispose();
        await _parts.StopSenderAsync(_shutdownTimeout).ConfigureAwait(false);

        Volatile.Write(ref _state, Stopped);
        long undelivered = _parts.Ledger.Pending;
        if (undelivered > 0)
        {
            _parts.Ledger.GiveUp(undelivered);
        }

        // What is on the disk is not lost: the next handler on the directory sends it.
        long kept = _parts.Buffer is { } buffer && _parts.SenderStopped.IsCompleted ? Math.Clamp(buffer.KeptOnDisk, 0, undelivered) : 0;
        if (kept > 0)
        {
            _log.BufferKept(kept, _parts.Buffer!.Directory);
        }

        _log.Shutdown(undelivered - kept, _parts.Loop?.CredentialsMissing ?? false, _shutdownTimeout);
        _log.Metrics.Unregister();
        _parts.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        // The sender never needs the caller's thread or context, so blocking here cannot deadlock.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private bool DropAfterShutdown()
    {
        _log.AfterShutdown();
        return false;
    }

    private bool DropNotConfigured()
    {
        _log.NotConfigured(_parts.NotConfigured!);
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
            _parts.Wake.Set();
        }

        if (result == EnqueueResult.Accepted)
        {
            // Asked for (BufferWaitForFsync): the call returns once its event is on the disk.
            _durable?.WaitFor(_queue.Accepted);
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

    /// <summary>An event logged while the process dies (by an UnhandledException handler, often): taken, then delivered before this returns.</summary>
    private bool EmitWhileDying(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, bool truncated)
    {
        bool accepted = Accept(utf8Message, timestampMs, streamName, truncated);
        _processEnd.DeliverBeforeDying();
        return accepted;
    }
}

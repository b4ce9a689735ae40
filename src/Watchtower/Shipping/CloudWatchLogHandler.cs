using System.Collections.Concurrent;
using System.Threading.Channels;
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

    private const int MaxCachedStreamNames = 10_000;

    // A stream with nothing to do for this long is forgotten; it costs nothing to remember it again.
    private static readonly TimeSpan s_idleStreamLifetime = TimeSpan.FromMinutes(5);

    private readonly CloudWatchLogsClient _client;
    private readonly bool _ownsClient;
    private readonly string _logGroupName;
    private readonly StreamNameTemplate _template;
    private readonly BatchRules _rules;
    private readonly TimeSpan _sendInterval;
    private readonly TimeSpan _shutdownTimeout;
    private readonly TimeSpan _queueFullWaitTimeout;
    private readonly QueueFullMode _queueFullMode;
    private readonly bool _useQueues;
    private readonly int _maxConcurrentSends;
    private readonly int _bufferLimit;
    private readonly TimeProvider _timeProvider;
    private readonly WarningSink _warnings;
    private readonly HandlerMetrics _metrics;
    private readonly LogGroupProvisioner _provisioner;

    private readonly Channel<LogEvent>? _queue;
    private readonly ConcurrentQueue<(long ChannelTarget, TaskCompletionSource Done)> _flushRequests = new();
    private readonly ConcurrentQueue<Batch> _completedBatches = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _abortSends = new();
    private readonly Task? _sender;
    private readonly ConcurrentDictionary<(string Logger, int Thread), string> _streamNameCache = new();

    private TaskCompletionSource _senderIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastIdleSweep;

    // Events written into and taken out of (or dropped from) the queue; a flush waits until "out" reaches "in" as it was.
    private long _channelIn;
    private long _channelOut;
    private int _streamCount;
    private long _pending;
    private long _sequence;
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
        _warnings = warnings ?? WarningSink.StandardError(timeProvider);
        _logGroupName = options.LogGroupName;
        _template = StreamNameTemplate.Parse(options.LogStreamName);
        _rules = new BatchRules(options.MaxBatchSize, options.MaxBatchCount, options.MaxMessageSize);
        _sendInterval = options.SendInterval;
        _shutdownTimeout = options.ShutdownTimeout;
        _queueFullWaitTimeout = options.QueueFullWaitTimeout;
        _queueFullMode = options.QueueFullMode;
        _useQueues = options.UseQueues;
        _maxConcurrentSends = options.MaxConcurrentSends;
        // Enough to fill every request slot with a full batch; more would only hold memory the queue bound does not count.
        _bufferLimit = options.MaxBatchCount * options.MaxConcurrentSends;

        if (options.Client is not null)
        {
            _client = options.Client;
        }
        else
        {
            _client = new CloudWatchLogsClient(
                new CloudWatchLogsClientOptions { Region = options.Region, ProfileName = options.ProfileName, ServiceUrl = options.ServiceUrl },
                handler: null,
                timeProvider,
                AwsEnvironment.ProcessEnvironment);
            _ownsClient = true;
        }

        if (_useQueues)
        {
            var channelOptions = new BoundedChannelOptions(options.QueueLimit)
            {
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
                FullMode = _queueFullMode == QueueFullMode.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            };
            _queue = Channel.CreateBounded<LogEvent>(channelOptions, OnDroppedOldest);
        }

        _metrics = new HandlerMetrics(_logGroupName, () => _queue?.Reader.Count ?? 0);
        _provisioner = new LogGroupProvisioner(_client, options, _warnings, _abortSends.Token);

        if (_queue is not null)
        {
            // The sender must not inherit the first caller's async-locals (logging scopes, activity); it marks its own.
            using (ExecutionContext.SuppressFlow())
            {
                _sender = Task.Run(RunSenderAsync);
            }
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The log group events go to.</summary>
    public string LogGroupName => _logGroupName;

    internal HandlerMetrics Metrics => _metrics;

    internal CloudWatchLogsClient Client => _client;

    /// <summary>How many streams the sender remembers, for tests of idle-stream eviction.</summary>
    internal int StreamCount => Volatile.Read(ref _streamCount);

    /// <summary>
    /// Takes one finished message for delivery. Never throws. An empty message, or one given after shutdown began,
    /// is not sent: it is counted and warned about (watchtower's behaviour, since CloudWatch rejects empty messages).
    /// </summary>
    /// <param name="message">The message as it is to appear in CloudWatch Logs.</param>
    /// <param name="timestamp">When the event happened (not when it is sent).</param>
    /// <param name="loggerName">The logger or category, for the <c>{logger_name}</c> placeholder.</param>
    /// <returns>True when the event was accepted; false when it was dropped (and counted).</returns>
    public bool Emit(string message, DateTimeOffset timestamp, string loggerName = "")
    {
        try
        {
            if (Volatile.Read(ref _state) != Running)
            {
                Drop(DropReason.AfterShutdown, "after-shutdown", "Received message after logging system shutdown; it was not sent.");
                return false;
            }

            if (string.IsNullOrEmpty(message))
            {
                Drop(DropReason.EmptyMessage, "empty-message", "Received empty message. Empty messages cannot be sent to CloudWatch Logs; it was not sent.");
                return false;
            }

            var logEvent = new LogEvent(timestamp, StreamNameFor(loggerName ?? string.Empty, timestamp), message);
            return _queue is null ? SendNow(logEvent) : Enqueue(logEvent);
        }
        catch (Exception e)
        {
            // Nothing may reach the caller; the event is lost, so it is counted.
            Drop(DropReason.DeliveryFailed, "emit-failed", $"An event could not be accepted: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

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
        _flushRequests.Enqueue((Interlocked.Read(ref _channelIn), request));
        _wake.Release();
        return request.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops taking events and delivers what is queued, waiting at most <see cref="CloudWatchLogHandlerOptions.ShutdownTimeout"/>;
    /// what is still undelivered then is counted and reported on stderr. Safe to call more than once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Stopping, Running) != Running)
        {
            if (_sender is not null)
            {
                await _sender.ConfigureAwait(false);
            }

            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (_queue is not null && _sender is not null)
        {
            _queue.Writer.TryComplete();
            _wake.Release();
            try
            {
                await _sender.WaitAsync(_shutdownTimeout, _timeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Past the deadline: abandon the requests in flight and let the sender count what is left. A handler
                // that ignores cancellation gets a tenth of the timeout more; then the sender is left behind.
                await _abortSends.CancelAsync().ConfigureAwait(false);
                _wake.Release();
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
        long undelivered = Interlocked.Read(ref _pending);
        if (undelivered > 0)
        {
            _metrics.OnDropped(DropReason.ShutdownTimeout, undelivered);
            Interlocked.Add(ref _pending, -undelivered);
        }

        ReportShutdown(undelivered);
        _metrics.Unregister();
        _provisioner.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        // The sender never needs the caller's thread or context, so blocking here cannot deadlock.
        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Completes the next time the sender has taken everything queued and waits (sends may be in flight); for tests that drive a fake clock.</summary>
    internal Task WhenSenderIdleAsync()
    {
        TaskCompletionSource idle = _senderIdle;
        _wake.Release();
        return idle.Task;
    }

    private string StreamNameFor(string loggerName, DateTimeOffset timestamp)
    {
        string threadName = _template.DependsOnThread ? CurrentThreadName() : string.Empty;
        if (_template.DependsOnTime)
        {
            return _template.Render(loggerName, threadName, timestamp);
        }

        int threadKey = _template.DependsOnThread ? Environment.CurrentManagedThreadId : 0;
        if (_streamNameCache.Count > MaxCachedStreamNames)
        {
            // Categories are usually few; if they are not, start over rather than grow without bound.
            _streamNameCache.Clear();
        }

        return _streamNameCache.GetOrAdd((loggerName, threadKey), static (key, state) => state.Template.Render(key.Logger, state.ThreadName, default), (Template: _template, ThreadName: threadName));
    }

    private static string CurrentThreadName() =>
        Thread.CurrentThread.Name is { Length: > 0 } name ? name : "thread-" + Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private bool Enqueue(LogEvent logEvent)
    {
        Interlocked.Increment(ref _pending);
        bool written = _queue!.Writer.TryWrite(logEvent);
        if (!written && _queueFullMode == QueueFullMode.Wait && _queueFullWaitTimeout > TimeSpan.Zero)
        {
            written = WaitToEnqueue(logEvent);
        }

        if (!written)
        {
            Interlocked.Decrement(ref _pending);
            Drop(DropReason.QueueFull, "queue-full", "The queue is full; events are being dropped. Raise QueueLimit, or check why delivery is slow.");
            return false;
        }

        Interlocked.Increment(ref _channelIn);
        _metrics.OnEnqueued();
        return true;
    }

    private bool WaitToEnqueue(LogEvent logEvent)
    {
        using var timeout = new CancellationTokenSource(_queueFullWaitTimeout, _timeProvider);
        try
        {
            // The caller chose to wait; the channel's wait needs no synchronization context.
            _queue!.Writer.WriteAsync(logEvent, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }

    private void OnDroppedOldest(LogEvent dropped)
    {
        Interlocked.Increment(ref _channelOut);
        Interlocked.Decrement(ref _pending);
        Drop(DropReason.QueueFull, "queue-full", "The queue is full; the oldest events are being dropped. Raise QueueLimit, or check why delivery is slow.");
    }

    private void Drop(DropReason reason, string warningKind, string warning, long count = 1)
    {
        _metrics.OnDropped(reason, count);
        _warnings.Warn(warningKind, warning);
    }

    private bool SendNow(LogEvent logEvent)
    {
        Interlocked.Increment(ref _pending);
        _metrics.OnEnqueued();
        try
        {
            // The caller asked for synchronous sends: run on the pool (no caller context to deadlock on) and wait.
            Task.Run(async () =>
            {
                SenderScope.Enter();
                await _provisioner.EnsureLogGroupAsync().ConfigureAwait(false);
                var buffer = new StreamBuffer(logEvent.StreamName, _rules);
                buffer.Add(Prepare(logEvent), _timeProvider.GetTimestamp(), () => Interlocked.Increment(ref _batchIds));
                buffer.Seal(Interlocked.Increment(ref _batchIds));
                while (buffer.Sealed.TryDequeue(out Batch? batch))
                {
                    await SendBatchAsync(batch).ConfigureAwait(false);
                }
            }).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e)
        {
            Drop(DropReason.DeliveryFailed, "send-failed", $"Failed to deliver logs: {e.Message}");
            Interlocked.Decrement(ref _pending);
            return false;
        }
    }

    private BatchEvent Prepare(LogEvent logEvent)
    {
        (BatchEvent prepared, bool truncated) = _rules.Prepare(Interlocked.Increment(ref _sequence), logEvent.Timestamp, logEvent.Message);
        if (truncated)
        {
            _metrics.OnTruncated();
            _warnings.Warn("truncated", $"Log message size exceeds CWL max payload size ({_rules.MaxMessageSize} bytes with overhead), truncated.");
        }

        return prepared;
    }

    /// <summary>
    /// The one background sender: drains the queue into per-stream batches, seals them by the batch rules, the
    /// deadline, a flush or shutdown, and sends them, one request per stream and a few streams at a time.
    /// All of its state is touched by this loop alone; sends report back through <see cref="_completedBatches"/>.
    /// </summary>
    private async Task RunSenderAsync()
    {
        SenderScope.Enter();
        var streams = new Dictionary<string, StreamBuffer>(StringComparer.Ordinal);
        var unfinishedBatches = new SortedSet<long>();
        var undrainedFlushes = new List<(long ChannelTarget, TaskCompletionSource Done)>();
        var flushes = new List<(long UpToBatch, TaskCompletionSource Done)>();
        var ready = new List<StreamBuffer>();
        long dispatches = 0;
        int inFlight = 0;
        int buffered = 0;
        ChannelReader<LogEvent> reader = _queue!.Reader;
        long NextBatchId() => Interlocked.Increment(ref _batchIds);

        try
        {
            await _provisioner.EnsureLogGroupAsync().ConfigureAwait(false);
            while (true)
            {
                long now = _timeProvider.GetTimestamp();

                // Take events only while the batches being filled stay within their bound: beyond it the queue
                // fills up and QueueFullMode applies, so memory stays bounded however slow the service is.
                while (buffered < _bufferLimit && reader.TryRead(out LogEvent logEvent))
                {
                    Interlocked.Increment(ref _channelOut);
                    if (!streams.TryGetValue(logEvent.StreamName, out StreamBuffer? stream))
                    {
                        stream = new StreamBuffer(logEvent.StreamName, _rules);
                        streams.Add(logEvent.StreamName, stream);
                    }

                    stream.Add(Prepare(logEvent), now, NextBatchId);
                    buffered++;
                }

                while (_completedBatches.TryDequeue(out Batch? done))
                {
                    inFlight--;
                    unfinishedBatches.Remove(done.Id);
                    if (streams.TryGetValue(done.StreamName, out StreamBuffer? stream))
                    {
                        stream.InFlight = false;
                        stream.LastActive = now;
                    }
                }

                // A flush covers the events accepted before it; once they are all out of the queue, it seals every batch.
                while (_flushRequests.TryDequeue(out (long ChannelTarget, TaskCompletionSource Done) request))
                {
                    undrainedFlushes.Add(request);
                }

                long channelOut = Interlocked.Read(ref _channelOut);
                bool flushDrained = undrainedFlushes.Exists(f => f.ChannelTarget <= channelOut);
                bool stopping = Volatile.Read(ref _state) != Running;
                bool bufferFull = buffered >= _bufferLimit;
                TimeSpan untilNextDeadline = Timeout.InfiniteTimeSpan;
                foreach (StreamBuffer stream in streams.Values)
                {
                    if (stream.OpenCount == 0)
                    {
                        continue;
                    }

                    TimeSpan waited = _timeProvider.GetElapsedTime(stream.OpenedAt, now);
                    if (stopping || flushDrained || bufferFull || waited >= _sendInterval)
                    {
                        stream.Seal(NextBatchId());
                    }
                    else if (untilNextDeadline == Timeout.InfiniteTimeSpan || _sendInterval - waited < untilNextDeadline)
                    {
                        untilNextDeadline = _sendInterval - waited;
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
                    if (flush.ChannelTarget > channelOut)
                    {
                        return false;
                    }

                    flushes.Add((sealedUpTo, flush.Done));
                    return true;
                });

                if (inFlight < _maxConcurrentSends)
                {
                    // Round robin: the stream served longest ago goes first, so that a stream with a deep backlog
                    // cannot hold every request slot while a quiet stream's deadline passes.
                    ready.Clear();
                    ready.AddRange(streams.Values.Where(s => !s.InFlight && s.Sealed.Count > 0));
                    ready.Sort(static (a, b) =>
                    {
                        int byTurn = a.LastDispatched.CompareTo(b.LastDispatched);
                        return byTurn != 0 ? byTurn : a.Sealed.Peek().Id.CompareTo(b.Sealed.Peek().Id);
                    });
                    foreach (StreamBuffer stream in ready.Take(_maxConcurrentSends - inFlight))
                    {
                        Batch batch = stream.Sealed.Dequeue();
                        buffered -= batch.Events.Length;
                        stream.LastDispatched = ++dispatches;
                        stream.InFlight = true;
                        inFlight++;
                        _ = SendAndReportAsync(batch);
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

                ForgetIdleStreams(streams, now);
                Volatile.Write(ref _streamCount, streams.Count);

                if (stopping && reader.Completion.IsCompleted && inFlight == 0 && streams.Values.All(s => s.IsIdle))
                {
                    return;
                }

                if (_abortSends.IsCancellationRequested && inFlight == 0)
                {
                    return;
                }

                await WaitForWorkAsync(reader, untilNextDeadline).ConfigureAwait(false);
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

            while (_flushRequests.TryDequeue(out (long ChannelTarget, TaskCompletionSource Done) request))
            {
                request.Done.TrySetResult();
            }
        }
    }

    private async Task WaitForWorkAsync(ChannelReader<LogEvent> reader, TimeSpan untilNextDeadline)
    {
        using var stopWaiting = new CancellationTokenSource();
        Task dataArrived = reader.WaitToReadAsync(stopWaiting.Token).AsTask();
        Task woken = _wake.WaitAsync(stopWaiting.Token);
        Task deadline = untilNextDeadline == Timeout.InfiniteTimeSpan
            ? Task.Delay(Timeout.Infinite, stopWaiting.Token)
            : Task.Delay(untilNextDeadline, _timeProvider, stopWaiting.Token);

        // Signalled only once the deadline timer exists, so that a test advancing a fake clock cannot get ahead of it.
        if (reader.Count == 0)
        {
            Interlocked.Exchange(ref _senderIdle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
        await Task.WhenAny(dataArrived, woken, deadline).ConfigureAwait(false);
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(dataArrived, woken, deadline).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
    }

    private void ForgetIdleStreams(Dictionary<string, StreamBuffer> streams, long now)
    {
        // A sweep costs a pass over every stream, so it runs at most once a minute.
        if (_timeProvider.GetElapsedTime(_lastIdleSweep, now) < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _lastIdleSweep = now;

        foreach (StreamBuffer stream in streams.Values.Where(s => s.IsIdle && _timeProvider.GetElapsedTime(s.LastActive, now) > s_idleStreamLifetime).ToList())
        {
            streams.Remove(stream.Name);
        }
    }

    private async Task SendAndReportAsync(Batch batch)
    {
        try
        {
            await SendBatchAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            _completedBatches.Enqueue(batch);
            _wake.Release();
        }
    }

    /// <summary>
    /// Sends one batch. A missing group or stream is created (when allowed) and the same batch sent again;
    /// events the service refuses are counted by reason; any other failure drops the batch with a warning.
    /// Never throws.
    /// </summary>
    private async Task SendBatchAsync(Batch batch)
    {
        const int MaxCreateAttempts = 2;
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                CloudWatchLogsException notFound;
                try
                {
                    PutLogEventsResponse response = await _client.PutLogEventsAsync(_logGroupName, batch.StreamName, batch.Events, _abortSends.Token).ConfigureAwait(false);
                    int rejected = ReportRejected(response.RejectedLogEventsInfo, batch);
                    _metrics.OnBatchSent(batch.Events.Length - rejected, batch.Bytes);
                    break;
                }
                catch (CloudWatchLogsException e) when (e.Kind == CloudWatchErrorKind.ResourceNotFound && attempt < MaxCreateAttempts)
                {
                    notFound = e;
                }

                if (!await _provisioner.TryCreateMissingAsync(batch.StreamName, notFound).ConfigureAwait(false))
                {
                    Drop(DropReason.DeliveryFailed, "deliver-not-found", $"Failed to deliver logs: {notFound.Message}", batch.Events.Length);
                    break;
                }

                _metrics.OnRetry();
            }
        }
        catch (CloudWatchLogsException e)
        {
            Drop(DropReason.DeliveryFailed, "deliver-" + e.ErrorCode, $"Failed to deliver logs: {e.Message}", batch.Events.Length);
        }
        catch (OperationCanceledException) when (_abortSends.IsCancellationRequested)
        {
            // Shutdown ran out of time; disposal counts these as not delivered.
            return;
        }
        catch (Exception e)
        {
            Drop(DropReason.DeliveryFailed, "deliver-unexpected", $"Failed to deliver logs: {e.GetType().Name}: {e.Message}", batch.Events.Length);
        }

        // Sent, refused or dropped: either way these events are no longer waiting.
        Interlocked.Add(ref _pending, -batch.Events.Length);
    }

    /// <summary>Counts and warns about the events of a sent batch that the service refused; returns how many.</summary>
    private int ReportRejected(RejectedLogEventsInfo? info, Batch batch)
    {
        if (info is null)
        {
            return 0;
        }

        int count = batch.Events.Length;
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

    private void ReportShutdown(long undelivered)
    {
        if (undelivered > 0)
        {
            _warnings.Warn("shutdown", $"Timed out while delivering logs: {undelivered} events were not delivered to log group '{_logGroupName}' within the shutdown timeout of {_shutdownTimeout.TotalSeconds:0.###} s.");
        }

        long dropped = _metrics.DroppedTotal - undelivered;
        if (dropped > 0)
        {
            _warnings.Warn("shutdown-summary", $"{dropped} events for log group '{_logGroupName}' were dropped during this run: " +
                string.Join(", ", Enum.GetValues<DropReason>().Where(r => _metrics.Dropped(r) > 0 && r != DropReason.ShutdownTimeout).Select(r => $"{r.TagValue()} {_metrics.Dropped(r)}")) + ".");
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();
}

namespace Watchtower.Shipping;

/// <summary>What became of an event offered to the <see cref="EventQueue"/>.</summary>
internal enum EnqueueResult
{
    /// <summary>Queued.</summary>
    Accepted,

    /// <summary>Not queued: the queue was full (and stayed full for the wait, in <see cref="QueueFullMode.Wait"/>).</summary>
    Full,

    /// <summary>Not queued: the queue no longer takes events (shutdown).</summary>
    Closed,
}

/// <summary>
/// The bounded queue between the callers and the sender, bounded both in events and in bytes (each event's size as
/// CloudWatch counts it), with the three <see cref="QueueFullMode"/>s. Many writers, one reader that takes events in
/// bulk. One short lock per call: a bounded channel takes one too, and this one can also count bytes, evict by bytes,
/// and hand the sender hundreds of events per acquisition.
/// </summary>
internal sealed class EventQueue
{
    private readonly object _lock = new();
    private readonly Queue<LogEvent> _events = new();
    private readonly TimeProvider _timeProvider;
    private TaskCompletionSource? _roomFreed;
    private long _bytes;
    private int _count;
    private bool _closed;

    public EventQueue(int countLimit, long byteLimit, QueueFullMode mode, TimeProvider timeProvider)
    {
        CountLimit = countLimit;
        ByteLimit = byteLimit;
        Mode = mode;
        _timeProvider = timeProvider;
    }

    public int CountLimit { get; }

    public long ByteLimit { get; }

    public QueueFullMode Mode { get; }

    /// <summary>Events queued now (a snapshot, read without the lock).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes queued now (a snapshot, read without the lock).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Offers one event. <see cref="QueueFullMode.DropOldest"/> makes room by evicting the oldest events (how many is
    /// returned in <paramref name="evicted"/>); <see cref="QueueFullMode.Wait"/> waits up to <paramref name="waitTimeout"/>
    /// for the sender to take events. <paramref name="wasEmpty"/> tells the caller to wake the sender.
    /// </summary>
    public EnqueueResult TryEnqueue(in LogEvent logEvent, TimeSpan waitTimeout, out int evicted, out bool wasEmpty)
    {
        evicted = 0;
        wasEmpty = false;
        if (logEvent.Size > ByteLimit)
        {
            // Can never fit, whatever is evicted or however long the caller waits.
            return EnqueueResult.Full;
        }

        CancellationTokenSource? timeout = null;
        try
        {
            while (true)
            {
                Task roomFreed;
                lock (_lock)
                {
                    if (_closed)
                    {
                        return EnqueueResult.Closed;
                    }

                    if (Mode == QueueFullMode.DropOldest)
                    {
                        while (!HasRoomFor(logEvent.Size))
                        {
                            LogEvent oldest = _events.Dequeue();
                            Take(oldest.Size);
                            evicted++;
                        }
                    }

                    if (HasRoomFor(logEvent.Size))
                    {
                        wasEmpty = _count == 0;
                        _events.Enqueue(logEvent);
                        Interlocked.Add(ref _bytes, logEvent.Size);
                        Volatile.Write(ref _count, _count + 1);
                        return EnqueueResult.Accepted;
                    }

                    if (Mode != QueueFullMode.Wait || waitTimeout <= TimeSpan.Zero)
                    {
                        return EnqueueResult.Full;
                    }

                    _roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    roomFreed = _roomFreed.Task;
                }

                // The caller chose to wait. The timeout runs on the handler's clock, so tests can drive it.
                timeout ??= new CancellationTokenSource(waitTimeout, _timeProvider);
                try
                {
                    roomFreed.WaitAsync(timeout.Token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    return EnqueueResult.Full;
                }
            }
        }
        finally
        {
            timeout?.Dispose();
        }
    }

    /// <summary>
    /// Moves events to <paramref name="into"/>, oldest first, until it has taken <paramref name="maxCount"/> events or at
    /// least <paramref name="maxBytes"/> bytes (at least one event is taken when any is queued and maxCount allows).
    /// </summary>
    /// <returns>How many events were taken.</returns>
    public int Drain(List<LogEvent> into, int maxCount, long maxBytes)
    {
        int taken = 0;
        TaskCompletionSource? roomFreed = null;
        lock (_lock)
        {
            long takenBytes = 0;
            while (taken < maxCount && takenBytes < maxBytes && _events.TryDequeue(out LogEvent logEvent))
            {
                into.Add(logEvent);
                Take(logEvent.Size);
                takenBytes += logEvent.Size;
                taken++;
            }

            if (taken > 0)
            {
                roomFreed = _roomFreed;
                _roomFreed = null;
            }
        }

        roomFreed?.TrySetResult();
        return taken;
    }

    /// <summary>Takes no more events; waiting writers give up. What is queued can still be drained.</summary>
    public void Close()
    {
        TaskCompletionSource? roomFreed;
        lock (_lock)
        {
            _closed = true;
            roomFreed = _roomFreed;
            _roomFreed = null;
        }

        roomFreed?.TrySetResult();
    }

    private bool HasRoomFor(int size) => _count < CountLimit && _bytes + size <= ByteLimit;

    private void Take(int size)
    {
        Interlocked.Add(ref _bytes, -size);
        Volatile.Write(ref _count, _count - 1);
    }
}

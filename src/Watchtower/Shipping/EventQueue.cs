using System.Runtime.CompilerServices;

namespace Watchtower.Shipping;

/// <summary>
/// The bounded queue between the callers and the sender, bounded both in events and in bytes (each event's size as
/// CloudWatch counts it), with the three <see cref="QueueFullMode"/>s. Many writers, one reader that takes events in
/// bulk. A writer holds the lock only to copy its message's UTF-8 bytes into the current chunk and to write one
/// slot; chunks are reused once the sender has copied their events out, so that a steady stream of events allocates
/// nothing. The queue also decides when the sender must be woken: once when it goes from empty to holding events
/// (for their delivery deadline) and once when a batch's worth is waiting, never per event.
/// </summary>
internal sealed class EventQueue
{
    /// <summary>The size of the chunks that messages are copied into; larger messages get a chunk of their own.</summary>
    internal const int ChunkSize = 64 * 1024;

    // Chunks kept for reuse beyond those in use, at most: a queue that runs full keeps recycling the same memory (the
    // byte limit bounds it anyway) instead of handing the garbage collector 64 KB arrays that lived long enough to be
    // promoted; 16 MiB at most, so that a queue that filled once does not hold its peak for ever.
    private const int MaxFreeChunkBytes = 16 * 1024 * 1024;

#if NET9_0_OR_GREATER
    private readonly Lock _lock = new();
#else
    private readonly object _lock = new();
#endif
    private readonly Queue<Chunk> _chunks = new();
    private readonly Stack<Chunk> _free = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _wakeCount;
    private readonly long _wakeBytes;
    private readonly long _deadlineTicks;
    private readonly int _maxFreeChunks;
    private QueuedEvent[] _slots = new QueuedEvent[64];
    private int _head;
    private int _count;
    private long _bytes;
    private Chunk? _writeChunk;
    private TaskCompletionSource? _roomFreed;
    private bool _closed;
    private bool _drainOutstanding;
    private bool _wakeForBatchSent;
    private long _accepted;
    private long _removed;
    private long _evicted;
    private long _nonEmptySince;

    // When the sleeping sender will wake by itself (a TimeProvider timestamp), or long.MinValue while it is awake.
    private long _senderWakesAt = long.MaxValue;

    /// <param name="countLimit">The most events queued at once.</param>
    /// <param name="byteLimit">The most bytes queued at once, each event counted as CloudWatch counts it.</param>
    /// <param name="mode">What a writer does when the queue is full.</param>
    /// <param name="timeProvider">The clock for <see cref="QueueFullMode.Wait"/> and for <see cref="NonEmptySince"/>.</param>
    /// <param name="wakeCount">How many waiting events make a batch's worth, worth waking the sender for.</param>
    /// <param name="wakeBytes">How many waiting bytes make a batch's worth.</param>
    /// <param name="deadline">How long an event may wait before it is sent: the sender must be awake by then.</param>
    public EventQueue(int countLimit, long byteLimit, QueueFullMode mode, TimeProvider timeProvider, int wakeCount = int.MaxValue, long wakeBytes = long.MaxValue, TimeSpan? deadline = null)
    {
        _deadlineTicks = deadline is { } d ? (long)(d.TotalSeconds * timeProvider.TimestampFrequency) : 0;
        CountLimit = countLimit;
        ByteLimit = byteLimit;
        Mode = mode;
        _timeProvider = timeProvider;
        _wakeCount = Math.Max(1, Math.Min(wakeCount, countLimit));
        _wakeBytes = Math.Max(1, Math.Min(wakeBytes, byteLimit));
        _maxFreeChunks = (int)Math.Clamp(byteLimit / ChunkSize, 4, MaxFreeChunkBytes / ChunkSize);
    }

    public int CountLimit { get; }

    public long ByteLimit { get; }

    public QueueFullMode Mode { get; }

    /// <summary>Events queued now (a snapshot, read without the lock).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes queued now, as CloudWatch counts them (a snapshot, read without the lock).</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Events ever accepted.</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Events ever taken out, by the sender or by eviction: a flush is drained once this reaches what was accepted before it.</summary>
    public long Removed => Volatile.Read(ref _removed);

    /// <summary>Events ever evicted to make room (<see cref="QueueFullMode.DropOldest"/>): finished, as dropped, the moment they go.</summary>
    public long Evicted => Volatile.Read(ref _evicted);

    /// <summary>The queue's counts read together, under its lock: for the ledger's invariant.</summary>
    public (int Count, long Accepted, long Evicted) Snapshot()
    {
        lock (_lock)
        {
            return (_count, _accepted, _evicted);
        }
    }

    /// <summary>
    /// A TimeProvider timestamp no later than the arrival of any event queued now: the delivery deadline of drained
    /// events counts from here, so that time spent in the queue counts too.
    /// </summary>
    public long NonEmptySince => Volatile.Read(ref _nonEmptySince);

    /// <summary>Memory the queue holds for message bytes, in use or kept for reuse: for tests of the memory bound.</summary>
    internal long ChunkBytes
    {
        get
        {
            lock (_lock)
            {
                return _chunks.Sum(c => (long)c.Data.Length) + _free.Sum(c => (long)c.Data.Length);
            }
        }
    }

    /// <summary>Memory the queue holds for its slots.</summary>
    internal long SlotBytes => Volatile.Read(ref _slots).Length * (long)System.Runtime.CompilerServices.Unsafe.SizeOf<QueuedEvent>();

    /// <summary>
    /// Offers one event. <see cref="QueueFullMode.DropOldest"/> makes room by evicting the oldest events (how many is
    /// returned in <paramref name="evicted"/>); <see cref="QueueFullMode.Wait"/> waits up to <paramref name="waitTimeout"/>
    /// for the sender to take events. <paramref name="wakeSender"/> tells the caller to wake the sender.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public EnqueueResult TryEnqueue(ReadOnlySpan<byte> utf8Message, long timestampMs, string streamName, TimeSpan waitTimeout, out int evicted, out bool wakeSender) =>
        TryEnqueue(utf8Message, [], timestampMs, streamName, waitTimeout, out evicted, out wakeSender);

    /// <summary>
    /// As <see cref="TryEnqueue(ReadOnlySpan{byte}, long, string, TimeSpan, out int, out bool)"/>, for a message queued as
    /// <paramref name="utf8Message"/> followed by <paramref name="suffix"/> (the truncation marker of a cut message):
    /// both are copied in, so that the caller's buffer is never written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public EnqueueResult TryEnqueue(ReadOnlySpan<byte> utf8Message, ReadOnlySpan<byte> suffix, long timestampMs, string streamName, TimeSpan waitTimeout, out int evicted, out bool wakeSender)
    {
        int size = utf8Message.Length + suffix.Length + CloudWatchLogHandlerOptions.EventOverhead;
        lock (_lock)
        {
            // The common case, kept short: room, so append.
            if (!_closed && HasRoomFor(size))
            {
                evicted = 0;
                wakeSender = Append(utf8Message, suffix, timestampMs, streamName, size);
                return EnqueueResult.Accepted;
            }
        }

        return TryEnqueueWhenFull(utf8Message, suffix, timestampMs, streamName, size, waitTimeout, out evicted, out wakeSender);
    }

    /// <summary>The rest of <see cref="TryEnqueue(ReadOnlySpan{byte}, ReadOnlySpan{byte}, long, string, TimeSpan, out int, out bool)"/>: closed, full (and the mode says what then), or never fitting.</summary>
    private EnqueueResult TryEnqueueWhenFull(ReadOnlySpan<byte> utf8Message, ReadOnlySpan<byte> suffix, long timestampMs, string streamName, int size, TimeSpan waitTimeout, out int evicted, out bool wakeSender)
    {
        evicted = 0;
        wakeSender = false;
        if (size > ByteLimit)
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
                        while (!HasRoomFor(size))
                        {
                            RemoveOldest();
                            evicted++;
                        }

                        if (evicted > 0 && !_drainOutstanding)
                        {
                            ReleaseFinishedChunks();
                        }
                    }

                    if (HasRoomFor(size))
                    {
                        wakeSender = Append(utf8Message, suffix, timestampMs, streamName, size);
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
    /// Their message bytes stay valid until the next call, by which time the sender has copied them out; the chunks
    /// of the previous call's events are reused from then on.
    /// </summary>
    /// <param name="into">Where the events go.</param>
    /// <param name="maxCount">The most events to take.</param>
    /// <param name="maxBytes">Stop once this many bytes are taken.</param>
    /// <param name="nonEmptySince">No later than the arrival of any event taken (see <see cref="NonEmptySince"/>).</param>
    /// <param name="takenBytes">The bytes taken, as CloudWatch counts them.</param>
    /// <returns>How many events were taken.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Drain(List<QueuedEvent> into, int maxCount, long maxBytes, out long nonEmptySince, out long takenBytes)
    {
        int taken = 0;
        TaskCompletionSource? roomFreed = null;
        lock (_lock)
        {
            nonEmptySince = _nonEmptySince;
            _drainOutstanding = false;
            ReleaseFinishedChunks();
            takenBytes = 0;
            int head = _head;
            QueuedEvent[] slots = _slots;
            while (taken < maxCount && takenBytes < maxBytes && taken < _count)
            {
                QueuedEvent next = slots[head];
                slots[head] = default;
                head = head + 1 == slots.Length ? 0 : head + 1;
                into.Add(next);
                next.Chunk.Removed++;
                takenBytes += next.Size;
                taken++;
            }

            // The counters are read without the lock: write each once, not once per event.
            _head = head;
            Volatile.Write(ref _count, _count - taken);
            Volatile.Write(ref _bytes, _bytes - takenBytes);
            Volatile.Write(ref _removed, _removed + taken);

            if (taken > 0)
            {
                _drainOutstanding = true;
                _wakeForBatchSent = false;

                // Writers waiting for room (QueueFullMode.Wait) are woken once a quarter of the queue is free, or when
                // the sender can take no more for now: not after every bite, which would have them block and wake
                // again and again, spinning each time, while the sender works through a full queue.
                if (taken < maxCount || (_count <= CountLimit - (CountLimit / 4) && _bytes <= ByteLimit - (ByteLimit / 4)))
                {
                    roomFreed = _roomFreed;
                    _roomFreed = null;
                }
            }
        }

        roomFreed?.TrySetResult();
        return taken;
    }

    /// <summary>Tells the queue that the events of the last <see cref="Drain"/> are copied out, so their chunks can be reused.</summary>
    public void OnDrainProcessed()
    {
        lock (_lock)
        {
            _drainOutstanding = false;
            ReleaseFinishedChunks();
        }
    }

    /// <summary>The sender is awake and will look at the queue before it sleeps again: writers need not wake it.</summary>
    public void OnSenderAwake() => Volatile.Write(ref _senderWakesAt, long.MinValue);

    /// <summary>
    /// The sender is about to sleep until <paramref name="wakeAt"/> (a TimeProvider timestamp, long.MaxValue for no
    /// timer). Returns when it must wake at the latest, for the deadline of events already queued; from now on a
    /// writer wakes it only if an event's deadline would come before that.
    /// </summary>
    /// <param name="wakeAt">When the sender's own work (a deadline, a retry, a probe) falls due.</param>
    /// <param name="canTake">
    /// Whether the sender could take events if it woke. A sender at its bound cannot: the deadline of queued events is
    /// then no reason to wake (it would find the same bound and sleep again at once, a busy loop), and what frees
    /// room, a finished send, wakes it anyway.
    /// </param>
    public long OnSenderSleeping(long wakeAt, bool canTake = true)
    {
        lock (_lock)
        {
            if (_count > 0 && canTake)
            {
                wakeAt = Math.Min(wakeAt, _nonEmptySince + _deadlineTicks);
            }

            _senderWakesAt = wakeAt;
            return wakeAt;
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasRoomFor(int size) => _count < CountLimit && _bytes + size <= ByteLimit;

    /// <returns>Whether the sender should be woken: the queue was empty, or a batch's worth is now waiting.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Append(ReadOnlySpan<byte> utf8Message, ReadOnlySpan<byte> suffix, long timestampMs, string streamName, int size)
    {
        bool wasEmpty = _count == 0;
        long now = 0;
        if (wasEmpty)
        {
            now = _timeProvider.GetTimestamp();
            Volatile.Write(ref _nonEmptySince, now);
        }

        int length = utf8Message.Length + suffix.Length;
        Chunk chunk = ChunkFor(length);
        if (chunk.Written == 0)
        {
            chunk.FirstWriteAt = wasEmpty ? now : _timeProvider.GetTimestamp();
        }

        int offset = chunk.Used;
        utf8Message.CopyTo(chunk.Data.AsSpan(offset));
        if (!suffix.IsEmpty)
        {
            suffix.CopyTo(chunk.Data.AsSpan(offset + utf8Message.Length));
        }

        chunk.Used += length;
        chunk.Written++;

        if (_count == _slots.Length)
        {
            Grow();
        }

        int tail = _head + _count;
        if (tail >= _slots.Length)
        {
            tail -= _slots.Length;
        }

        _slots[tail] = new QueuedEvent(streamName, chunk, offset, length, timestampMs);
        // Written under the lock; read without it, hence the volatile (and, for longs, atomic) writes.
        Volatile.Write(ref _count, _count + 1);
        Volatile.Write(ref _bytes, _bytes + size);
        Volatile.Write(ref _accepted, _accepted + 1);

        if (wasEmpty && _senderWakesAt > now + _deadlineTicks)
        {
            // The sleeping sender would wake too late for this event's deadline (or not at all).
            _senderWakesAt = now + _deadlineTicks;
            return true;
        }

        if (!_wakeForBatchSent && (_count >= _wakeCount || _bytes >= _wakeBytes))
        {
            _wakeForBatchSent = true;
            return true;
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Chunk ChunkFor(int length)
    {
        if (length > ChunkSize / 4)
        {
            // A large message gets a chunk of its own, so that it never strands most of a shared one. Later events
            // go to a fresh chunk after it: chunks stay in the order of their events, so each is recycled in turn.
            var own = new Chunk(GC.AllocateUninitializedArray<byte>(length));
            _chunks.Enqueue(own);
            _writeChunk = null;
            return own;
        }

        if (_writeChunk is { } current && current.Data.Length - current.Used >= length)
        {
            return current;
        }

        // Chunks are written before they are read, so they need not be zeroed.
        Chunk next = _free.Count > 0 ? _free.Pop() : new Chunk(GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true));
        _chunks.Enqueue(next);
        _writeChunk = next;
        return next;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RemoveOldest()
    {
        QueuedEvent oldest = _slots[_head];
        _slots[_head] = default;
        _head = _head + 1 == _slots.Length ? 0 : _head + 1;
        Volatile.Write(ref _count, _count - 1);
        Volatile.Write(ref _bytes, _bytes - oldest.Size);
        Volatile.Write(ref _removed, _removed + 1);
        Volatile.Write(ref _evicted, _evicted + 1);
        oldest.Chunk.Removed++;
    }

    /// <summary>Recycles the chunks whose every event has been taken out and copied (the sender is between drains).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReleaseFinishedChunks()
    {
        while (_chunks.TryPeek(out Chunk? oldest) && oldest.Removed == oldest.Written)
        {
            if (oldest == _writeChunk)
            {
                // Still the one writers append to (and so the last): start it over instead.
                oldest.Reset();
                break;
            }

            _chunks.Dequeue();
            if (oldest.Data.Length == ChunkSize && _free.Count < _maxFreeChunks)
            {
                oldest.Reset();
                _free.Push(oldest);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Grow()
    {
        var larger = new QueuedEvent[Math.Min(Math.Max(_slots.Length * 2, 64), Math.Max(CountLimit, _slots.Length + 1))];
        for (int i = 0; i < _count; i++)
        {
            int from = _head + i;
            larger[i] = _slots[from >= _slots.Length ? from - _slots.Length : from];
        }

        _head = 0;
        Volatile.Write(ref _slots, larger);
    }

    /// <summary>A block of message bytes, filled in order by writers and recycled once the sender has taken them all.</summary>
    internal sealed class Chunk(byte[] data)
    {
        public byte[] Data { get; } = data;

        /// <summary>Bytes written so far.</summary>
        public int Used { get; set; }

        /// <summary>Events written into this chunk.</summary>
        public int Written { get; set; }

        /// <summary>Events taken out of it (drained or evicted).</summary>
        public int Removed { get; set; }

        /// <summary>When its first event was written (a TimeProvider timestamp): no later than any of its events arrived.</summary>
        public long FirstWriteAt { get; set; }

        public void Reset()
        {
            Used = 0;
            Written = 0;
            Removed = 0;
        }
    }
}

namespace Watchtower.Shipping;

/// <summary>
/// The one account of where every accepted event is: in the queue, held by the sender (being batched, in flight,
/// waiting to be retried), or finished (delivered, or dropped after it was accepted). Its invariant, that what is
/// pending (accepted less finished) is what the queue and the sender hold, is what the memory bound and the shutdown
/// report depend on; tests check it after every scenario. The queue counts its own events (the caller's path updates
/// nothing here); the sender holds and releases; everything else is per batch. With the on-disk buffer, events also
/// wait in it between the queue and the sender (<see cref="Buffering.DiskBuffer.UnreadOwn"/>), and releasing an event
/// read from it acknowledges it there.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly EventQueue? _queue;
    private readonly long _eventLimit;
    private readonly long _byteLimit;
    private readonly long _memoryLimit;
    private long _acceptedOutsideQueue;
    private long _sentWithoutQueue;
    private long _heldEvents;
    private long _heldBytes;
    private long _finished;

    /// <param name="queue">The queue, or null when events are sent on the caller's thread.</param>
    /// <param name="eventLimit">The most events the sender may hold.</param>
    /// <param name="byteLimit">The most bytes (as CloudWatch counts them) the sender may hold.</param>
    /// <param name="memory">The sender's memory, as it really is.</param>
    /// <param name="memoryLimit">The most memory the sender may hold.</param>
    public DeliveryLedger(EventQueue? queue, long eventLimit, long byteLimit, SenderMemory memory, long memoryLimit)
    {
        _queue = queue;
        _eventLimit = eventLimit;
        _byteLimit = byteLimit;
        Memory = memory;
        _memoryLimit = memoryLimit;
    }

    public SenderMemory Memory { get; }

    /// <summary>The on-disk buffer, when there is one; set once, before the sender starts.</summary>
    public Buffering.DiskBuffer? Buffer { get; set; }

    public (long Events, long Bytes, long Memory) Limits => (_eventLimit, _byteLimit, _memoryLimit);

    /// <summary>Events accepted: by the queue, and outside it (in-band drop reports, sends without a queue).</summary>
    public long Accepted => (_queue?.Accepted ?? 0) + Interlocked.Read(ref _acceptedOutsideQueue);

    /// <summary>Events accepted for delivery, as the meter's <c>watchtower.events.enqueued</c> counts them (drop reports are the library's own).</summary>
    public long Enqueued => (_queue?.Accepted ?? 0) + Interlocked.Read(ref _sentWithoutQueue);

    /// <summary>Events delivered or dropped after they were accepted, evictions from the queue and from the buffer included.</summary>
    public long Finished => Interlocked.Read(ref _finished) + (_queue?.Evicted ?? 0) + (Buffer?.EvictedOwn ?? 0);

    /// <summary>Events accepted and neither delivered nor counted as dropped yet.</summary>
    public long Pending => Accepted - Finished;

    public long HeldEvents => Interlocked.Read(ref _heldEvents);

    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>Whether the sender holds all its bound allows: it takes nothing more from the queue until sends finish.</summary>
    public bool AtBound => HeldEvents >= _eventLimit || HeldBytes >= _byteLimit || Memory.Bytes >= _memoryLimit;

    /// <summary>What the sender may still take from the queue now, in events and bytes; zero of both at the memory bound.</summary>
    public (long Events, long Bytes) Room => Memory.Bytes >= _memoryLimit ? (0, 0) : (_eventLimit - HeldEvents, _byteLimit - HeldBytes);

    /// <summary>An event accepted besides the queue: a drop report written into a stream, or one sent on the caller's thread.</summary>
    public void AcceptOutsideQueue(bool sentWithoutQueue = false)
    {
        Interlocked.Increment(ref _acceptedOutsideQueue);
        if (sentWithoutQueue)
        {
            Interlocked.Increment(ref _sentWithoutQueue);
        }
    }

    /// <summary>Events an earlier process left in the buffer, read by this one's sender: accepted here.</summary>
    public void AcceptRecovered(long events) => Interlocked.Add(ref _acceptedOutsideQueue, events);

    /// <summary>The sender took events (from the queue, or one it made itself).</summary>
    public void Hold(long events, long bytes)
    {
        Interlocked.Add(ref _heldEvents, events);
        Interlocked.Add(ref _heldBytes, bytes);
    }

    /// <summary>Events the sender held are finished with: delivered, or dropped and counted.</summary>
    public void Release(long events, long bytes)
    {
        Interlocked.Add(ref _heldEvents, -events);
        Interlocked.Add(ref _heldBytes, -bytes);
        Interlocked.Add(ref _finished, events);
    }

    /// <summary>Events the sender held are finished with; those read from the on-disk buffer are acknowledged there.</summary>
    public void Release(ReadOnlySpan<EventSlot> events)
    {
        long bytes = 0;
        Buffering.DiskBuffer? buffer = Buffer;
        foreach (EventSlot e in events)
        {
            bytes += e.Size;
            if (e.Sequence >= 0)
            {
                buffer?.Finish(e.Sequence);
            }
        }

        Release(events.Length, bytes);
    }

    /// <summary>Events given up at shutdown, wherever they were: counted as finished (and, by the caller, as dropped).</summary>
    public void GiveUp(long events) => Interlocked.Add(ref _finished, events);

    /// <summary>
    /// Null when the books balance (pending = queued + held), else what is wrong. Meaningful while the sender is idle
    /// and no event is being logged: events move from the queue to the sender in the sender's own round.
    /// </summary>
    public string? Inconsistency()
    {
        (int queued, long accepted, long evicted) = _queue?.Snapshot() ?? (0, 0, 0);
        long buffered = Buffer?.UnreadOwn ?? 0;
        long pending = accepted + Interlocked.Read(ref _acceptedOutsideQueue) - Interlocked.Read(ref _finished) - evicted - (Buffer?.EvictedOwn ?? 0);
        long held = HeldEvents;
        return pending == queued + buffered + held && held >= 0 && HeldBytes >= 0
            ? null
            : $"pending {pending} (accepted {accepted} + outside {Interlocked.Read(ref _acceptedOutsideQueue)} - finished {Interlocked.Read(ref _finished)} - evicted {evicted}) != queued {queued} + buffered {buffered} + held {held} (held bytes {HeldBytes})";
    }
}

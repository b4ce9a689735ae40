namespace Watchtower.Buffering;

/// <summary>
/// For <see cref="CloudWatchLogHandlerOptions.BufferWaitForFsync"/>: a logging call waits here until its event is
/// written and flushed to the disk. The sender writes and syncs everything queued at once, so that one fsync serves
/// every call of that moment (a group commit). A call waits at most <see cref="MaxWait"/>: a disk that hangs must not
/// hang the application for ever (the event is still written when the disk answers).
/// </summary>
internal sealed class DurabilityGate
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    // An object, not a Lock: callers wait on its monitor.
    private readonly object _lock = new();
    private long _durable;

    /// <summary>Waits until the first <paramref name="accepted"/> events the queue took are on the disk.</summary>
    public void WaitFor(long accepted)
    {
        if (Volatile.Read(ref _durable) >= accepted)
        {
            return;
        }

        long deadline = Environment.TickCount64 + (long)MaxWait.TotalMilliseconds;
        lock (_lock)
        {
            while (_durable < accepted)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return;
                }

                Monitor.Wait(_lock, (int)left);
            }
        }
    }

    /// <summary>The first <paramref name="removed"/> events the queue took are on the disk (or dropped, and counted).</summary>
    public void Advance(long removed)
    {
        lock (_lock)
        {
            if (removed > _durable)
            {
                _durable = removed;
                Monitor.PulseAll(_lock);
            }
        }
    }

    /// <summary>No call waits any more: the disk failed (the engine keeps events in memory), or the handler stopped.</summary>
    public void Open() => Advance(long.MaxValue);
}

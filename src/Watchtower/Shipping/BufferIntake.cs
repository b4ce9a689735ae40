using Watchtower.Buffering;

namespace Watchtower.Shipping;

/// <summary>
/// The sender's side of the on-disk buffer, around the queue: the whole queue is written to the disk each round, the
/// buffer's positions are recorded before anything read is sent, and callers that wait for the disk
/// (<see cref="CloudWatchLogHandlerOptions.BufferWaitForFsync"/>) are released once their events are on it. Used only
/// by the sender loop.
/// </summary>
internal sealed class BufferIntake
{
    private readonly DiskBuffer _buffer;
    private readonly DurabilityGate? _gate;
    private readonly EventQueue _queue;
    private bool _spooled;
    private long _written;

    public BufferIntake(DiskBuffer buffer, DurabilityGate? gate, EventQueue queue)
    {
        _buffer = buffer;
        _gate = gate;
        _queue = queue;
    }

    /// <summary>Writes the whole queue to the disk; false when the disk failed (the sender then takes from the queue itself).</summary>
    public bool Spool(long now)
    {
        _spooled = _buffer.Spool(_queue, now);
        _written = _queue.Removed;
        return _spooled;
    }

    /// <summary>Records the buffer's positions (syncing when due, or at once for waiting callers) and releases the callers waiting for the disk.</summary>
    public void Record(long now)
    {
        _buffer.Persist(now, syncNow: _gate is not null);
        if (_gate is null)
        {
            return;
        }

        if (_spooled && _buffer.IsWritable)
        {
            _gate.Advance(_written);
        }
        else
        {
            // The disk failed: events are kept in memory, and no call waits for a disk that is not there.
            _gate.Open();
        }
    }

    /// <summary>Releases every waiting caller: the sender stops.</summary>
    public void Stop(long now)
    {
        _buffer.Close(now);
        _gate?.Open();
    }
}

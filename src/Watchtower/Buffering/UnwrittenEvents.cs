namespace Watchtower.Buffering;

/// <summary>
/// Events a failed write could not put on the disk (a full or read-only disk), kept in memory as records, in order, to
/// be sent after what is on the disk: a disk that fails loses nothing already accepted. At most a block and a bite of
/// the queue, since writes stop at the first failure.
/// </summary>
internal sealed class UnwrittenEvents
{
    private byte[] _records = [];
    private int _length;
    private int _offset;

    /// <summary>Events kept and not yet read.</summary>
    public long Count { get; private set; }

    /// <summary>Keeps records already encoded (a block whose write failed).</summary>
    public void AddRecords(ReadOnlySpan<byte> records, int count)
    {
        EnsureRoom(records.Length);
        records.CopyTo(_records.AsSpan(_length));
        _length += records.Length;
        Count += count;
    }

    /// <summary>Keeps one event, encoded as a record.</summary>
    public void Add(long timestampMs, ReadOnlySpan<byte> streamName, ReadOnlySpan<byte> message)
    {
        EnsureRoom(SegmentFormat.EventRecordLength(streamName.Length, message.Length));
        _length += SegmentFormat.WriteEvent(_records.AsSpan(_length), timestampMs, streamName, message);
        Count++;
    }

    /// <summary>The next event kept, oldest first; its parts are valid until the next event is kept.</summary>
    public bool TryRead(out EventRecordView record)
    {
        record = default;
        if (Count == 0)
        {
            return false;
        }

        SegmentFormat.ReadRecord(_records.AsSpan(_offset, _length - _offset), out int length, out record, verify: false);
        _offset += length;
        if (--Count == 0)
        {
            // Read out: the next failure starts the array over.
            _length = _offset = 0;
        }

        return true;
    }

    private void EnsureRoom(int more)
    {
        if (_length + more > _records.Length)
        {
            Array.Resize(ref _records, Math.Max(_records.Length * 2, _length + more));
        }
    }
}

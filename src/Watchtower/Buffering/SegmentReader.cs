using System.Runtime.CompilerServices;

namespace Watchtower.Buffering;

/// <summary>
/// Reads one segment's records in order, through a buffer that holds the longest record. A record whose checksum
/// fails, and the torn end of a segment a crash interrupted, are skipped: the reader finds the next offset at which a
/// valid record starts (a false match needs a 32-bit checksum to agree by chance) and says what it skipped, so that it
/// is counted. Only the sender loop uses it.
/// </summary>
internal sealed class SegmentReader
{
    private readonly byte[] _buffer = new byte[SegmentFormat.MaxRecordLength + (256 * 1024)];
    private SegmentFile? _segment;
    private long _bufferStart;
    private int _bufferLength;

    public SegmentFile? Segment => _segment;

    /// <summary>The offset of the next record in <see cref="Segment"/>.</summary>
    public long Position { get; private set; }

    /// <summary>Starts reading <paramref name="segment"/> at <paramref name="offset"/> (a record's start, or its header's end).</summary>
    public void Start(SegmentFile segment, long offset)
    {
        _segment = segment;
        Position = Math.Max(offset, segment.HeaderLength);
        _bufferStart = Position;
        _bufferLength = 0;
    }

    /// <summary>Moves past a record read elsewhere (from memory, <see cref="RecentBlocks"/>).</summary>
    public void Skip(int length) => Position += length;

    /// <summary>Stops reading the current segment.</summary>
    public void Stop() => _segment = null;

    /// <summary>
    /// The next record: <see cref="ReadOutcome.Record"/> (valid until the next call), <see cref="ReadOutcome.Skipped"/>
    /// (damaged bytes passed over, from <paramref name="skippedFrom"/> to <see cref="Position"/>), or
    /// <see cref="ReadOutcome.End"/> (nothing more, for now, in this segment).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOutcome Next(out EventRecordView record, out long skippedFrom)
    {
        record = default;
        skippedFrom = Position;
        SegmentFile segment = _segment!;
        if (Position >= segment.Length)
        {
            return ReadOutcome.End;
        }

        RecordCheck check = Look(Position, out int length, out record);
        if (check == RecordCheck.Valid)
        {
            Position += length;
            return ReadOutcome.Record;
        }

        // Damaged here: find where the next valid record starts, or the end.
        long candidate = Position + 1;
        while (candidate < segment.Length && Look(candidate, out _, out _) != RecordCheck.Valid)
        {
            candidate++;
        }

        Position = Math.Min(candidate, segment.Length);
        return ReadOutcome.Skipped;
    }

    /// <summary>What starts at <paramref name="offset"/>, reading more of the file when the buffer ends first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RecordCheck Look(long offset, out int length, out EventRecordView record)
    {
        SegmentFile segment = _segment!;
        RecordCheck check = SegmentFormat.ReadRecord(Buffered(offset), out length, out record);
        if (check == RecordCheck.Incomplete && _bufferStart + _bufferLength < segment.Length)
        {
            Fill(offset);
            check = SegmentFormat.ReadRecord(Buffered(offset), out length, out record);
        }

        // A record cut off by the end of what was written is a torn write: nothing valid starts here.
        return check == RecordCheck.Incomplete ? RecordCheck.Corrupt : check;
    }

    private ReadOnlySpan<byte> Buffered(long offset) =>
        offset >= _bufferStart && offset <= _bufferStart + _bufferLength
            ? _buffer.AsSpan((int)(offset - _bufferStart), (int)(_bufferStart + _bufferLength - offset))
            : [];

    private void Fill(long offset)
    {
        _bufferStart = offset;
        _bufferLength = _segment!.ReadAt(_buffer, offset);
    }
}

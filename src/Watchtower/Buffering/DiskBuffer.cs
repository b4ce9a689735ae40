using System.Runtime.CompilerServices;
using Watchtower.Diagnostics;
using Watchtower.Shipping;

namespace Watchtower.Buffering;

/// <summary>
/// The on-disk buffer (<see cref="CloudWatchLogHandlerOptions.BufferDirectory"/>): between the memory queue and the
/// sender, so that what is accepted survives a crash and an outage longer than memory can hold. Each round the sender
/// spools the whole queue into the newest segment (one write per 64 KiB, never a syscall on the caller's thread), reads
/// back what it has room for, and acknowledges what is finished; a segment is deleted once every event in it is
/// delivered or counted as dropped. Past <see cref="CloudWatchLogHandlerOptions.BufferMaxBytes"/> the oldest segment
/// goes, its unread events counted (<c>buffer_full</c>). A failed write (full or read-only disk) never stops logging:
/// the events stay in memory and the sender takes from the queue directly, as without a buffer, trying the disk again
/// a minute later. Only the sender loop calls it, so it needs no lock.
/// </summary>
internal sealed class DiskBuffer : IDisposable
{
    private const int WriteBlockBytes = RecentBlocks.BlockBytes;
    private static readonly TimeSpan s_retryWritesAfter = TimeSpan.FromMinutes(1);

    private readonly string _directory;
    private readonly string _logGroupName;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _syncInterval;
    private readonly ShippingLog _log;
    private readonly BufferLock _lock;
    private readonly AckFile _ack;
    private readonly AckTracker _tracker;
    private readonly BufferPosition _resentBefore;
    private readonly SegmentReader _reader = new();
    private readonly LinkedList<SegmentFile> _segments = new();
    private readonly List<SegmentFile> _unsynced = [];
    private readonly Queue<(BufferPosition End, long ArrivedAt)> _arrivals = new();
    private readonly List<QueuedEvent> _drained = new(1024);
    private readonly StreamNameCache _names = new();
    private readonly RecentBlocks _recent = new();
    private byte[] _block;
    private int _blockLength;
    private int _blockCount;
    private long _blockArrivedAt;
    private LinkedListNode<SegmentFile>? _reading;
    private SegmentFile? _current;
    private long _nextNumber;
    private long _bytesOnDisk;
    private long _lastSync;
    private bool _unsyncedWrites;
    private long? _writeFailedAt;
    private bool _retryingWrites;
    private readonly UnwrittenEvents _unwritten = new();

    private DiskBuffer(string directory, CloudWatchLogHandlerOptions options, TimeProvider clock, ShippingLog log, BufferLock directoryLock, AckFile ack)
    {
        _directory = directory;
        _logGroupName = options.LogGroupName;
        _maxBytes = options.BufferMaxBytes;
        _segmentBytes = SegmentBytesFor(options.BufferMaxBytes);
        _clock = clock;
        _syncInterval = options.BufferWaitForFsync ? TimeSpan.Zero : options.BufferFsyncInterval;
        _log = log;
        _lock = directoryLock;
        _ack = ack;
        _tracker = new AckTracker(ack.Acknowledged);
        _lastSync = clock.GetTimestamp();
        _block = _recent.Rent();
        Recover();

        // What an earlier process had read may have reached CloudWatch: without its record, all it left is suspect.
        _resentBefore = ack.Found ? ack.Taken : new BufferPosition(long.MaxValue, long.MaxValue);
        _reading = _segments.First;
        if (_reading is not null)
        {
            _reader.Start(_reading.Value, _reading.Value.Number == ack.Acknowledged.Segment ? ack.Acknowledged.Offset : 0);
        }
    }

    public string Directory => _directory;

    /// <summary>Whether events go to the disk now; false after a failed write, until a retry works.</summary>
    public bool IsWritable => _writeFailedAt is null;

    /// <summary>Events this process spooled (to disk, or kept in memory after a failed write).</summary>
    public long Spooled { get; private set; }

    /// <summary>Of those, read by the sender.</summary>
    public long ReadOwn { get; private set; }

    /// <summary>Of those, dropped unread to keep the disk within its bound.</summary>
    public long EvictedOwn { get; private set; }

    /// <summary>This process's events in the buffer not yet read by the sender.</summary>
    public long UnreadOwn => Spooled - ReadOwn - EvictedOwn;

    /// <summary>Events read and not finished, which are on the disk: with <see cref="UnreadOwn"/> (less what a failed write kept in memory), what a restart would send.</summary>
    public long KeptOnDisk => UnreadOwn - _unwritten.Count + _tracker.OutstandingEvents;

    /// <summary>Whether everything written, by this process or an earlier one, has been read.</summary>
    public bool AllRead => _unwritten.Count == 0 && (_reading is null || (_reading.Next is null && _reader.Segment is { } s && _reader.Position >= s.Length));

    public long BytesOnDisk => _bytesOnDisk;

    /// <summary>
    /// Opens the buffer in the options' directory, delivering first what an earlier process left there. Null when the
    /// directory cannot be used (told once: the handler keeps events in memory).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another live handler uses the directory.</exception>
    public static DiskBuffer? Open(CloudWatchLogHandlerOptions options, TimeProvider clock, ShippingLog log)
    {
        string directory = Path.GetFullPath(options.BufferDirectory!);
        BufferLock? directoryLock = null;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            directoryLock = BufferLock.Acquire(directory);
            return new DiskBuffer(directory, options, clock, log, directoryLock, AckFile.Open(directory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            directoryLock?.Dispose();
            log.BufferUnavailable(directory, e);
            return null;
        }
    }

    /// <summary>Segments of a sixteenth of the bound (64 KiB to 16 MiB): the bound is kept to within one.</summary>
    internal static long SegmentBytesFor(long maxBytes) => Math.Clamp(maxBytes / 16, 64 * 1024, 16 * 1024 * 1024);

    /// <summary>
    /// Moves everything queued into the buffer. Returns false when it did not (the disk failed, now or a while ago): the
    /// sender then takes from the queue directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Spool(EventQueue queue, long now)
    {
        if (_writeFailedAt is { } failedAt)
        {
            if (_unwritten.Count > 0 || _clock.GetElapsedTime(failedAt, now) < s_retryWritesAfter)
            {
                return false;
            }

            // A minute on, and what the failure kept in memory is sent: try the disk again.
            _writeFailedAt = null;
            _retryingWrites = true;
        }

        bool first = true;

        // In bites of at most a block's worth, so that a write failing mid-way leaves at most a bite to keep in memory.
        while (_writeFailedAt is null && queue.Drain(_drained, 1024, WriteBlockBytes, out long nonEmptySince, out _) > 0)
        {
            if (first)
            {
                _blockArrivedAt = Math.Max(_drained[0].Chunk.FirstWriteAt, nonEmptySince);
                first = false;
            }

            foreach (QueuedEvent queued in _drained)
            {
                Append(queued);
            }

            _drained.Clear();
        }

        queue.OnDrainProcessed();
        WriteBlock();
        return _writeFailedAt is null;
    }

    /// <summary>The next event to send, oldest first: what an earlier process left, then this one's, then what a failed write kept in memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(out BufferedEvent buffered)
    {
        while (_reader.Segment is { } segment)
        {
            long start = _reader.Position;
            if (start < segment.Length && _recent.TryGet(segment.Number, start, out ReadOnlySpan<byte> kept)
                && SegmentFormat.ReadRecord(kept, out int keptLength, out EventRecordView keptRecord, verify: false) == RecordCheck.Valid)
            {
                // Written a moment ago by this process and still in memory: no read, no second checksum.
                _reader.Skip(keptLength);
                buffered = Take(segment, start, keptRecord);
                return true;
            }

            switch (_reader.Next(out EventRecordView record, out long skippedFrom))
            {
                case ReadOutcome.Record:
                    buffered = Take(segment, start, record);
                    return true;
                case ReadOutcome.Skipped:
                    _log.BufferDamaged(segment.Path, skippedFrom, _reader.Position);
                    _tracker.Passed(new BufferPosition(segment.Number, _reader.Position));
                    continue;
                default:
                    if (!segment.Sealed || !MoveToNextSegment())
                    {
                        return TryReadUnwritten(out buffered);
                    }

                    continue;
            }
        }

        return TryReadUnwritten(out buffered);
    }

    /// <summary>The event of <paramref name="sequence"/> is delivered or counted as dropped (-1: an event not on the disk).</summary>
    public void Finish(long sequence) => _tracker.Finish(sequence);

    /// <summary>
    /// Records how far the buffer is finished with and read (before the sender sends what it read), deletes the segments
    /// that are finished with, and syncs when <see cref="CloudWatchLogHandlerOptions.BufferFsyncInterval"/> has passed
    /// (or <paramref name="syncNow"/>).
    /// </summary>
    public void Persist(long now, bool syncNow = false)
    {
        try
        {
            BufferPosition taken = _reader.Segment is { } s ? new BufferPosition(s.Number, _reader.Position) : _tracker.Acknowledged;
            _unsyncedWrites |= _ack.Write(_tracker.Acknowledged, taken);
            while (_segments.First is { } oldest && oldest.Value.Sealed && oldest.Value.End <= _tracker.Acknowledged && (oldest != _reading || _reader.Position >= oldest.Value.Length))
            {
                if (oldest == _reading)
                {
                    // Read to its end and finished with: the reader goes on with the next, when there is one.
                    _reading = oldest.Next;
                    if (_reading is null)
                    {
                        _reader.Stop();
                    }
                    else
                    {
                        _reader.Start(_reading.Value, 0);
                    }
                }

                Remove(oldest);
            }

            if (_unsyncedWrites && (syncNow || _clock.GetElapsedTime(_lastSync, now) >= _syncInterval))
            {
                Sync(now);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            OnWriteFailed(e, now);
        }
    }

    /// <summary>
    /// The sender is stopping: records how far it got and syncs, and deletes the newest segment too when everything in
    /// it is finished with, so that a clean shutdown leaves an empty directory (but for the lock and the acknowledgement).
    /// </summary>
    public void Close(long now)
    {
        Persist(now, syncNow: true);
        if (_current is { } current && _segments.Count == 1 && current.End <= _tracker.Acknowledged && _unwritten.Count == 0)
        {
            _reader.Stop();
            _reading = null;
            Remove(_segments.First!);
            _current = null;
        }
    }

    /// <summary>When the next sync falls due, if anything waits for one.</summary>
    public TimeSpan? UntilSync(long now) =>
        _unsyncedWrites ? _syncInterval - _clock.GetElapsedTime(_lastSync, now) : null;

    public void Dispose()
    {
        foreach (SegmentFile segment in _segments)
        {
            segment.Dispose();
        }

        _ack.Dispose();
        _lock.Dispose();
    }

    /// <summary>Reads the directory: the segments an earlier process left for this group, oldest first; what is not one is left alone.</summary>
    private void Recover()
    {
        var found = new SortedDictionary<long, string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(_directory))
        {
            if (SegmentFormat.TryParseFileName(Path.GetFileName(path), out long number))
            {
                found[number] = path;
                _nextNumber = Math.Max(_nextNumber, number + 1);
            }
        }

        foreach ((long number, string path) in found)
        {
            HeaderCheck check;
            SegmentFile? segment;
            try
            {
                (check, segment) = SegmentFile.Recover(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // One file that cannot be read is one file lost, not the whole buffer: told, left in place, and read again next start.
                _log.BufferUnreadable(path, e);
                continue;
            }

            switch (check)
            {
                case HeaderCheck.Valid when segment!.End <= _ack.Acknowledged:
                    // Everything in it was delivered (or counted) before the earlier process stopped.
                    segment.Delete();
                    break;
                case HeaderCheck.Valid:
                    if (segment!.LogGroupName != _logGroupName)
                    {
                        _log.BufferOtherGroup(path, segment.LogGroupName);
                    }

                    segment.Sealed = true;
                    _segments.AddLast(segment);
                    _bytesOnDisk += segment.Length;
                    break;
                case HeaderCheck.Torn:
                    // Created by a process that died before its header was written whole: it holds nothing.
                    File.Delete(path);
                    break;
                case HeaderCheck.NewerVersion:
                    _log.BufferNewerFormat(path);
                    break;
                default:
                    _log.BufferDamaged(path, 0, new FileInfo(path).Length);
                    SegmentFile.SetAside(path);
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private BufferedEvent Take(SegmentFile segment, long start, EventRecordView record)
    {
        var end = new BufferPosition(segment.Number, _reader.Position);
        long sequence = _tracker.Read(end);
        segment.Read++;
        long? arrivedAt = null;

        // An earlier process's events are counted where the sender accepts them (the ledger, the meter).
        if (!segment.Recovered)
        {
            ReadOwn++;
            while (_arrivals.Count > 1 && _arrivals.Peek().End <= new BufferPosition(segment.Number, start))
            {
                _arrivals.Dequeue();
            }

            arrivedAt = _arrivals.Count > 0 ? _arrivals.Peek().ArrivedAt : null;
        }

        bool resent = segment.Recovered && new BufferPosition(segment.Number, start) < _resentBefore;
        return new BufferedEvent(record.Message, record.TimestampMs, segment.LogGroupName, _names.StringFor(record.StreamName), sequence, arrivedAt, segment.Recovered, resent);
    }

    private bool MoveToNextSegment()
    {
        SegmentFile done = _reading!.Value;
        if (_reading.Next is null)
        {
            return false;
        }

        _tracker.Passed(done.End);
        done.Close();
        _reading = _reading.Next;
        _reader.Start(_reading.Value, 0);
        return true;
    }

    /// <summary>Events a failed write left in memory, read in their order after everything on the disk.</summary>
    private bool TryReadUnwritten(out BufferedEvent buffered)
    {
        if (!_unwritten.TryRead(out EventRecordView record))
        {
            buffered = default;
            return false;
        }

        ReadOwn++;
        buffered = new BufferedEvent(record.Message, record.TimestampMs, _logGroupName, _names.StringFor(record.StreamName), -1, _blockArrivedAt, recovered: false, possiblyDuplicated: false);
        return true;
    }

    /// <summary>Adds one queued event to the block being written (to memory once a write has failed), writing full blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Append(QueuedEvent queued)
    {
        ReadOnlySpan<byte> name = _names.BytesFor(queued.StreamName);
        Spooled++;
        if (_writeFailedAt is not null)
        {
            _unwritten.Add(queued.TimestampMs, name, queued.Message);
            return;
        }

        int length = SegmentFormat.EventRecordLength(name.Length, queued.Length);
        if (_blockLength + length > WriteBlockBytes)
        {
            WriteBlock();
            if (_writeFailedAt is not null)
            {
                _unwritten.Add(queued.TimestampMs, name, queued.Message);
                return;
            }

            if (length > WriteBlockBytes)
            {
                WriteLarge(name, queued, length);
                return;
            }
        }

        _blockLength += SegmentFormat.WriteEvent(_block.AsSpan(_blockLength), queued.TimestampMs, name, queued.Message);
        _blockCount++;
    }

    /// <summary>A record larger than a block: written on its own (and read back from the file).</summary>
    private void WriteLarge(ReadOnlySpan<byte> name, QueuedEvent queued, int length)
    {
        byte[] block = _block;
        _block = new byte[length];
        _blockLength = SegmentFormat.WriteEvent(_block, queued.TimestampMs, name, queued.Message);
        _blockCount = 1;
        WriteBlock(keep: false);
        _block = block;
    }

    /// <summary>Writes the block to the newest segment, making room first; on failure its events are kept in memory.</summary>
    private void WriteBlock(bool keep = true)
    {
        if (_blockLength == 0)
        {
            return;
        }

        long now = _clock.GetTimestamp();
        try
        {
            SegmentFile segment = SegmentWithRoomFor(_blockLength);
            long offset = segment.Length;
            segment.Append(_block.AsSpan(0, _blockLength), _blockCount);
            if (keep)
            {
                // The reader reads it from memory while it is kept; the next block gets another array.
                _recent.Keep(_block, segment.Number, offset, _blockLength);
                _block = _recent.Rent();
            }

            _bytesOnDisk += _blockLength;
            _arrivals.Enqueue((segment.End, _blockArrivedAt));
            _unsyncedWrites = true;
            if (_retryingWrites)
            {
                _retryingWrites = false;
                _log.BufferWritable(_directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The block's events are not lost: they are read from memory, after what is on the disk.
            _unwritten.AddRecords(_block.AsSpan(0, _blockLength), _blockCount);
            OnWriteFailed(e, now);
        }

        _blockLength = 0;
        _blockCount = 0;
    }

    /// <summary>The segment to write <paramref name="length"/> bytes into: a new one past the segment size, after dropping the oldest to stay within the bound.</summary>
    private SegmentFile SegmentWithRoomFor(int length)
    {
        if (_current is null || (_current.Length + length > _segmentBytes && _current.Written > 0))
        {
            Roll();
        }

        while (_bytesOnDisk + length > _maxBytes && _segments.First is { } oldest)
        {
            if (oldest.Value == _current)
            {
                // Only the newest is left and even it is too large: start another, then drop it.
                Roll();
            }

            Evict(oldest);
        }

        return _current!;
    }

    private void Roll()
    {
        if (_current is not null)
        {
            _current.Sealed = true;
            _unsynced.Add(_current);
        }

        SegmentFile segment = SegmentFile.Create(_directory, _nextNumber++, _logGroupName, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        _segments.AddLast(segment);
        _bytesOnDisk += segment.Length;
        _current = segment;
        if (_reading is null)
        {
            _reading = _segments.Last;
            _reader.Start(segment, 0);
        }
        else if (_reader.Segment is null)
        {
            _reader.Start(_reading.Value, 0);
        }
    }

    /// <summary>Drops the oldest segment to keep the disk within its bound: its unread events are counted (buffer_full).</summary>
    private void Evict(LinkedListNode<SegmentFile> oldest)
    {
        SegmentFile segment = oldest.Value;
        long unread;
        if (segment.Recovered)
        {
            unread = CountUnread(segment, oldest == _reading ? _reader.Position : segment.Read > 0 ? segment.Length : 0);
        }
        else
        {
            unread = segment.Written - segment.Read;
            EvictedOwn += unread;
        }

        if (oldest == _reading)
        {
            _reading = oldest.Next;
            if (_reading is not null)
            {
                _reader.Start(_reading.Value, 0);
            }
            else
            {
                _reader.Stop();
            }
        }

        _tracker.Passed(segment.End);
        _log.BufferFull(unread, _maxBytes, _directory);
        Remove(oldest);
    }

    /// <summary>The valid records of a recovered segment from <paramref name="from"/> on, read to count them before it is dropped.</summary>
    private static long CountUnread(SegmentFile segment, long from)
    {
        var counter = new SegmentReader();
        counter.Start(segment, from);
        long count = 0;
        ReadOutcome outcome;
        while ((outcome = counter.Next(out _, out _)) != ReadOutcome.End)
        {
            count += outcome == ReadOutcome.Record ? 1 : 0;
        }

        return count;
    }

    private void Remove(LinkedListNode<SegmentFile> node)
    {
        _segments.Remove(node);
        _unsynced.Remove(node.Value);
        _bytesOnDisk -= node.Value.Length;
        node.Value.Delete();
    }

    private void Sync(long now)
    {
        foreach (SegmentFile segment in _unsynced)
        {
            segment.Sync();
            if (_reader.Segment != segment)
            {
                segment.Close();
            }
        }

        _unsynced.Clear();
        _current?.Sync();
        _ack.Sync();
        _lastSync = now;
        _unsyncedWrites = false;
    }

    private void OnWriteFailed(Exception e, long now)
    {
        // Told once, not again each minute that the retry fails.
        if (_writeFailedAt is null && !_retryingWrites)
        {
            _log.BufferWriteFailed(_directory, e);
        }

        _retryingWrites = false;
        _writeFailedAt = now;
    }
}

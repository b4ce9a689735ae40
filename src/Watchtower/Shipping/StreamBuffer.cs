using System.Runtime.CompilerServices;
using Watchtower.CloudWatch;
using Watchtower.Text;

namespace Watchtower.Shipping;

/// <summary>
/// One stream's events on their way out: the open batch that events join, written straight into its request body,
/// and the sealed batches that wait for the stream's previous request to finish (one request per stream at a time
/// keeps each stream in order). Touched only by the sender loop.
/// </summary>
internal sealed class StreamBuffer
{
    private readonly BatchRules _rules;
    private readonly byte[] _prefix;
    private readonly SenderMemory _memory;
    private byte[]? _body;
    private EventSlot[]? _events;
    private int _bodyLength;
    private int _count;
    private long _bytes;
    private long _min;
    private long _max;
    private long _last;
    private bool _sorted;

    // What the last sealed batch needed: the next one starts that large, so that a busy stream's body is not regrown each
    // time. A new stream starts with what its first event needs: with many streams of few events, a few kilobytes each
    // would be most of the sender's memory.
    private int _bodyCapacityHint;
    private int _eventCapacityHint = 4;

    /// <param name="name">The stream.</param>
    /// <param name="rules">The batch rules.</param>
    /// <param name="logGroupName">The group, for the request body's prefix.</param>
    /// <param name="memory">Where the stream counts what it holds, until <see cref="Forget"/>.</param>
    public StreamBuffer(string name, BatchRules rules, string logGroupName, SenderMemory memory)
    {
        Name = name;
        LogGroupName = logGroupName;
        _rules = rules;
        _prefix = PutLogEventsBody.Prefix(logGroupName, name);
        _memory = memory;
        _memory.Add(SenderMemory.StreamOverhead + _prefix.Length);
    }

    public string Name { get; }

    /// <summary>The group: the handler's, or, for events an earlier process left in the buffer, the one they were meant for.</summary>
    public string LogGroupName { get; }

    /// <summary>Sealed batches not yet sent, oldest first; a batch to send again goes back to the front.</summary>
    public LinkedList<Batch> Sealed { get; } = new();

    /// <summary>Not before this TimeProvider timestamp may the stream send again (a retry's backoff); any past value means now.</summary>
    public long RetryAt { get; set; }

    /// <summary>When this stream last got a request slot (a dispatch counter; 0 for never), for round-robin turns.</summary>
    public long LastDispatched { get; set; }

    /// <summary>Whether a request for this stream is in flight.</summary>
    public bool InFlight { get; set; }

    /// <summary>No later than when the open batch's first event arrived: the delivery deadline counts from here.</summary>
    public long OpenedAt { get; private set; }

    public int OpenCount => _count;

    /// <summary>When the stream last had anything to do, for forgetting idle streams.</summary>
    public long LastActive { get; set; }

    public bool IsIdle => _count == 0 && Sealed.Count == 0 && !InFlight;

    /// <summary>Adds an event, first sealing the open batch if the event would break a batch rule.</summary>
    /// <param name="utf8Message">The message, 1 byte or more.</param>
    /// <param name="timestampMs">When it happened.</param>
    /// <param name="arrivedAt">A TimeProvider timestamp no later than its arrival, for the delivery deadline.</param>
    /// <param name="now">The sender's clock now.</param>
    /// <param name="nextBatchId">Numbers batches as they are sealed.</param>
    /// <param name="sequence">The event's number in the on-disk buffer, or -1.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> utf8Message, long timestampMs, long arrivedAt, long now, Func<long> nextBatchId, long sequence = -1)
    {
        int size = utf8Message.Length + CloudWatchLogHandlerOptions.EventOverhead;
        if (!_rules.Fits(_count, _bytes, _min, _max, timestampMs, size))
        {
            Seal(nextBatchId());
        }

        // One scan finds what (if anything) needs escaping; it serves both the size and the write.
        int firstEscape = JsonEscaping.IndexOfFirstToEscape(utf8Message);
        int framed = PutLogEventsBody.FramedLength(JsonEscaping.EscapedLength(utf8Message, firstEscape));
        if (_count == 0)
        {
            OpenedAt = arrivedAt;
            _min = _max = _last = timestampMs;
            _sorted = true;
            _body = BatchArrays.RentBody(Math.Max(_bodyCapacityHint, _prefix.Length + framed + PutLogEventsBody.Suffix.Length));
            _events = BatchArrays.RentSlots(_eventCapacityHint);
            _memory.Add(OpenFootprint);
            _prefix.CopyTo(_body, 0);
            _bodyLength = _prefix.Length;
        }
        else
        {
            // The deadline counts from the earliest arrival (an earlier process's events, read after a drop report, are due at once).
            OpenedAt = Math.Min(OpenedAt, arrivedAt);
            _min = Math.Min(_min, timestampMs);
            _max = Math.Max(_max, timestampMs);
            _sorted &= timestampMs >= _last;
            _last = timestampMs;
            EnsureCapacity(framed + PutLogEventsBody.Suffix.Length);
        }

        (int written, int eventStart) = PutLogEventsBody.WriteEvent(_body.AsSpan(_bodyLength), _count == 0, timestampMs, utf8Message, firstEscape);
        _events![_count++] = new EventSlot(timestampMs, _bodyLength + eventStart, written - eventStart, size, sequence);
        _bodyLength += written;
        _bytes += size;
        LastActive = now;

        if (_count == _rules.MaxCount || _bytes == _rules.MaxBytes)
        {
            Seal(nextBatchId());
        }
    }

    /// <summary>Seals the open batch, if it has events, in timestamp order (arrival order for equal timestamps).</summary>
    public void Seal(long batchId)
    {
        if (_count == 0)
        {
            return;
        }

        PutLogEventsBody.Suffix.CopyTo(_body.AsSpan(_bodyLength));
        _bodyLength += PutLogEventsBody.Suffix.Length;
        _bodyCapacityHint = Math.Min(_bodyLength, BatchArrays.BodyLength);
        _eventCapacityHint = Math.Max(4, _count);

        // The batch counts the arrays from here on.
        _memory.Add(-OpenFootprint);
        Sealed.AddLast(Batch.Seal(batchId, LogGroupName, Name, _prefix, _body!, _bodyLength, _events!, _count, _bytes, _sorted, _memory));
        _body = null;
        _events = null;
        _bodyLength = 0;
        _count = 0;
        _bytes = 0;
    }

    /// <summary>Stops counting the stream: it is forgotten (it holds no events).</summary>
    public void Forget() => _memory.Add(-(SenderMemory.StreamOverhead + _prefix.Length));

    /// <summary>What the open batch holds: its arrays, and the batch it will become.</summary>
    private long OpenFootprint => SenderMemory.BatchOverhead + _body!.Length + SenderMemory.Of(_events!);

    private void EnsureCapacity(int more)
    {
        if (_bodyLength + more > _body!.Length)
        {
            byte[] larger = BatchArrays.RentBody(Math.Max(_body.Length * 2, _bodyLength + more));
            _body.AsSpan(0, _bodyLength).CopyTo(larger);
            _memory.Add(larger.Length - _body.Length);
            BatchArrays.ReturnBody(_body);
            _body = larger;
        }

        if (_count == _events!.Length)
        {
            EventSlot[] larger = BatchArrays.RentSlots(_events.Length * 2);
            _events.AsSpan().CopyTo(larger);
            _memory.Add(SenderMemory.Of(larger) - SenderMemory.Of(_events));
            BatchArrays.ReturnSlots(_events);
            _events = larger;
        }
    }
}

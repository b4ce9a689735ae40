using System.Runtime.CompilerServices;
using Watchtower.CloudWatch;

namespace Watchtower.Shipping;

/// <summary>
/// Where one event sits in its batch's body: <see cref="Offset"/> and <see cref="Length"/> frame its
/// <c>{"timestamp":…,"message":"…"}</c>, so that a batch can be re-ordered, halved or trimmed by copying bytes.
/// </summary>
/// <param name="TimestampMs">When the event happened, in milliseconds since the Unix epoch.</param>
/// <param name="Offset">Where the event's JSON object starts in the body.</param>
/// <param name="Length">The JSON object's length.</param>
/// <param name="Size">The event's size as CloudWatch counts it (message UTF-8 bytes plus 26).</param>
internal readonly record struct EventSlot(long TimestampMs, int Offset, int Length, int Size);

/// <summary>
/// A sealed batch: its PutLogEvents body, ready to hash and send as it is, events in timestamp order (ties in arrival
/// order), with its delivery state. Between attempts only the sender loop touches it; during an attempt only the
/// sending task does. Its buffers are pooled and go back when the batch is finished.
/// </summary>
internal sealed class Batch
{
    private readonly byte[] _prefix;
    private readonly SenderMemory _memory;
    private byte[] _body;
    private EventSlot[] _events;
    private bool _released;

    /// <summary>Takes over the arrays and counts them (and itself) in <paramref name="memory"/> until <see cref="ReturnBuffers"/>.</summary>
    private Batch(long id, string streamName, byte[] prefix, byte[] body, int bodyLength, EventSlot[] events, int count, long bytes, SenderMemory memory)
    {
        Id = id;
        StreamName = streamName;
        _prefix = prefix;
        _body = body;
        BodyLength = bodyLength;
        _events = events;
        Count = count;
        Bytes = bytes;
        _memory = memory;
        _memory.Add(Footprint);
    }

    /// <summary>The flush bookkeeping's id; the halves of a split batch keep their parent's.</summary>
    public long Id { get; }

    public string StreamName { get; }

    /// <summary>The request body.</summary>
    public ReadOnlyMemory<byte> Body => _body.AsMemory(0, BodyLength);

    public int BodyLength { get; private set; }

    public int Count { get; private set; }

    public ReadOnlySpan<EventSlot> Events => _events.AsSpan(0, Count);

    /// <summary>The batch's size as CloudWatch counts it.</summary>
    public long Bytes { get; private set; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>
    /// When the first attempt started, or the batch was first held back by an outage (a TimeProvider timestamp); null
    /// before either. Retries are bounded by time from here.
    /// </summary>
    public long? FirstAttemptAt { get; set; }

    /// <summary>Whether the last attempt failed after the request may have reached the service, so that a resend may duplicate it.</summary>
    public bool MayHaveBeenDelivered { get; set; }

    /// <summary>Whether this attempt is the circuit breaker's probe.</summary>
    public bool IsProbe { get; set; }

    /// <summary>Attempts that failed with an exception the client does not classify.</summary>
    public int UnexpectedFailures { get; set; }

    /// <summary>
    /// False once an attempt was abandoned mid-request: the HTTP stack may still read the body, so it is left to the
    /// garbage collector rather than reused.
    /// </summary>
    public bool BodyReusable { get; set; } = true;

    /// <summary>What this batch holds in memory: its arrays' capacity and its own objects.</summary>
    private long Footprint => SenderMemory.BatchOverhead + _body.Length + SenderMemory.Of(_events);

    /// <summary>
    /// Takes over an open batch's buffers (which the stream has stopped counting), re-ordering the events by timestamp
    /// first if they arrived out of order.
    /// </summary>
    public static Batch Seal(long id, string streamName, byte[] prefix, byte[] body, int bodyLength, EventSlot[] events, int count, long bytes, bool sorted, SenderMemory memory)
    {
        if (sorted)
        {
            return new Batch(id, streamName, prefix, body, bodyLength, events, count, bytes, memory);
        }

        // Stable by arrival: sort (timestamp, position) pairs, then copy the events into a new body in that order.
        var order = new (long TimestampMs, int Position)[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = (events[i].TimestampMs, i);
        }

        Array.Sort(order);
        var reordered = new EventSlot[count];
        for (int i = 0; i < count; i++)
        {
            reordered[i] = events[order[i].Position];
        }

        Batch batch = Build(id, streamName, prefix, body, reordered, memory);
        BatchArrays.ReturnBody(body);
        BatchArrays.ReturnSlots(events);
        return batch;
    }

    /// <summary>Keeps <paramref name="count"/> events from <paramref name="start"/> (the others were dropped and counted).</summary>
    public void Keep(int start, int count)
    {
        Batch kept = Build(Id, StreamName, _prefix, _body, Events.Slice(start, count), _memory);
        ReturnArrays();
        (_body, BodyLength, _events, Count, Bytes) = (kept._body, kept.BodyLength, kept._events, kept.Count, kept.Bytes);

        // The arrays are counted by the batch that made them, whose own objects are not kept.
        _memory.Add(-SenderMemory.BatchOverhead);
    }

    /// <summary>Splits the batch in two halves, in order, each with a fresh delivery state; this one is finished with.</summary>
    public (Batch First, Batch Second) Split()
    {
        int half = Count / 2;
        Batch first = Build(Id, StreamName, _prefix, _body, Events[..half], _memory);
        Batch second = Build(Id, StreamName, _prefix, _body, Events[half..], _memory);
        ReturnBuffers();
        return (first, second);
    }

    /// <summary>Gives the buffers back to the pool and stops counting the batch; it is not used again.</summary>
    public void ReturnBuffers()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _memory.Add(-SenderMemory.BatchOverhead);
        ReturnArrays();
        BodyLength = 0;
        Count = 0;
    }

    private void ReturnArrays()
    {
        _memory.Add(-(_body.Length + SenderMemory.Of(_events)));
        if (BodyReusable && _body.Length > 0)
        {
            BatchArrays.ReturnBody(_body);
        }

        if (_events.Length > 0)
        {
            BatchArrays.ReturnSlots(_events);
        }

        _body = [];
        _events = [];
    }

    /// <summary>A body holding the given events of <paramref name="source"/>, in the given order.</summary>
    private static Batch Build(long id, string streamName, byte[] prefix, byte[] source, ReadOnlySpan<EventSlot> events, SenderMemory memory)
    {
        int length = prefix.Length + PutLogEventsBody.Suffix.Length;
        long bytes = 0;
        foreach (EventSlot e in events)
        {
            length += e.Length + 1;
            bytes += e.Size;
        }

        byte[] body = BatchArrays.RentBody(length);
        EventSlot[] slots = BatchArrays.RentSlots(Math.Max(events.Length, 1));
        prefix.CopyTo(body, 0);
        int at = prefix.Length;
        for (int i = 0; i < events.Length; i++)
        {
            EventSlot e = events[i];
            if (i > 0)
            {
                body[at++] = (byte)',';
            }

            source.AsSpan(e.Offset, e.Length).CopyTo(body.AsSpan(at));
            slots[i] = e with { Offset = at };
            at += e.Length;
        }

        PutLogEventsBody.Suffix.CopyTo(body.AsSpan(at));
        at += PutLogEventsBody.Suffix.Length;
        return new Batch(id, streamName, prefix, body, at, slots, events.Length, bytes, memory);
    }
}

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
        _rules = rules;
        _prefix = PutLogEventsBody.Prefix(logGroupName, name);
        _memory = memory;
        _memory.Add(SenderMemory.StreamOverhead + _prefix.Length);
    }

    public string Name { get; }

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> utf8Message, long timestampMs, long arrivedAt, long now, Func<long> nextBatchId)
    {
        int size = utf8Message.Length + CloudWatchLogHandlerOptions.EventOverhead;
        if (!_rules.Fits(_count, _bytes, _min, _max, timestampMs, size))
        {
            Seal(nextBatchId());
        }

        // One scan finds what (if anything) needs escaping; it serves both the size and the write.
        int firstEscape = PutLogEventsBody.IndexOfFirstToEscape(utf8Message);
        int framed = PutLogEventsBody.FramedLength(PutLogEventsBody.EscapedLength(utf8Message, firstEscape));
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
            _min = Math.Min(_min, timestampMs);
            _max = Math.Max(_max, timestampMs);
            _sorted &= timestampMs >= _last;
            _last = timestampMs;
            EnsureCapacity(framed + PutLogEventsBody.Suffix.Length);
        }

        (int written, int eventStart) = PutLogEventsBody.WriteEvent(_body.AsSpan(_bodyLength), _count == 0, timestampMs, utf8Message, firstEscape);
        _events![_count++] = new EventSlot(timestampMs, _bodyLength + eventStart, written - eventStart, size);
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
        Sealed.AddLast(Batch.Seal(batchId, Name, _prefix, _body!, _bodyLength, _events!, _count, _bytes, _sorted, _memory));
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

using Watchtower.CloudWatch;

namespace Watchtower.Shipping;

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
    private Batch(long id, string logGroupName, string streamName, byte[] prefix, byte[] body, int bodyLength, EventSlot[] events, int count, long bytes, SenderMemory memory)
    {
        Id = id;
        LogGroupName = logGroupName;
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

    public string LogGroupName { get; }

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
    public static Batch Seal(long id, string logGroupName, string streamName, byte[] prefix, byte[] body, int bodyLength, EventSlot[] events, int count, long bytes, bool sorted, SenderMemory memory)
    {
        if (sorted)
        {
            return new Batch(id, logGroupName, streamName, prefix, body, bodyLength, events, count, bytes, memory);
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

        Batch batch = Build(id, logGroupName, streamName, prefix, body, reordered, memory);
        BatchArrays.ReturnBody(body);
        BatchArrays.ReturnSlots(events);
        return batch;
    }

    /// <summary>Keeps <paramref name="count"/> events from <paramref name="start"/> (the others were dropped and counted).</summary>
    public void Keep(int start, int count)
    {
        Batch kept = Build(Id, LogGroupName, StreamName, _prefix, _body, Events.Slice(start, count), _memory);
        ReturnArrays();
        (_body, BodyLength, _events, Count, Bytes) = (kept._body, kept.BodyLength, kept._events, kept.Count, kept.Bytes);

        // The arrays are counted by the batch that made them, whose own objects are not kept.
        _memory.Add(-SenderMemory.BatchOverhead);
    }

    /// <summary>Splits the batch in two halves, in order, each with a fresh delivery state; this one is finished with.</summary>
    public (Batch First, Batch Second) Split()
    {
        int half = Count / 2;
        Batch first = Build(Id, LogGroupName, StreamName, _prefix, _body, Events[..half], _memory);
        Batch second = Build(Id, LogGroupName, StreamName, _prefix, _body, Events[half..], _memory);
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
    private static Batch Build(long id, string logGroupName, string streamName, byte[] prefix, byte[] source, ReadOnlySpan<EventSlot> events, SenderMemory memory)
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
        return new Batch(id, logGroupName, streamName, prefix, body, at, slots, events.Length, bytes, memory);
    }
}

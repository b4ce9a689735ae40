namespace Watchtower.Shipping;

/// <summary>
/// A sealed batch: events in timestamp order (ties in arrival order), ready for PutLogEvents, with its delivery state.
/// Between attempts only the sender loop touches it; during an attempt only the sending task does.
/// </summary>
internal sealed class Batch
{
    public Batch(long id, string streamName, InputLogEvent[] events, long bytes)
    {
        Id = id;
        StreamName = streamName;
        Events = events;
        Bytes = bytes;
    }

    /// <summary>The flush bookkeeping's id; the halves of a split batch keep their parent's.</summary>
    public long Id { get; }

    public string StreamName { get; }

    public InputLogEvent[] Events { get; private set; }

    /// <summary>The batch's size as CloudWatch counts it.</summary>
    public long Bytes { get; private set; }

    /// <summary>Attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the first attempt started (a TimeProvider timestamp); retries are bounded by time from here.</summary>
    public long FirstAttemptAt { get; set; }

    /// <summary>Whether the last attempt failed after the request may have reached the service, so that a resend may duplicate it.</summary>
    public bool MayHaveBeenDelivered { get; set; }

    /// <summary>Whether this attempt is the circuit breaker's probe.</summary>
    public bool IsProbe { get; set; }

    /// <summary>Keeps <paramref name="count"/> events from <paramref name="start"/> (the others were dropped and counted).</summary>
    public void Keep(int start, int count)
    {
        Events = Events.AsSpan(start, count).ToArray();
        Bytes = SizeOf(Events);
    }

    /// <summary>Splits the batch in two halves, in order, each with a fresh delivery state.</summary>
    public (Batch First, Batch Second) Split()
    {
        int half = Events.Length / 2;
        InputLogEvent[] first = Events[..half];
        InputLogEvent[] second = Events[half..];
        return (new Batch(Id, StreamName, first, SizeOf(first)), new Batch(Id, StreamName, second, SizeOf(second)));
    }

    private static long SizeOf(InputLogEvent[] events)
    {
        long bytes = 0;
        foreach (InputLogEvent logEvent in events)
        {
            bytes += BatchRules.SizeOf(logEvent.Message);
        }

        return bytes;
    }
}

/// <summary>
/// One stream's events on their way out: the open batch that events join, and the sealed batches that wait
/// for the stream's previous request to finish (one request per stream at a time keeps each stream in order).
/// Touched only by the sender loop.
/// </summary>
internal sealed class StreamBuffer
{
    private readonly BatchRules _rules;
    private readonly List<BatchEvent> _open = [];
    private long _openBytes;
    private DateTimeOffset _min;
    private DateTimeOffset _max;

    public StreamBuffer(string name, BatchRules rules)
    {
        Name = name;
        _rules = rules;
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

    /// <summary>When the open batch's first event arrived: the delivery deadline counts from here.</summary>
    public long OpenedAt { get; private set; }

    public int OpenCount => _open.Count;

    /// <summary>When the stream last had anything to do, for forgetting idle streams.</summary>
    public long LastActive { get; set; }

    public bool IsIdle => _open.Count == 0 && Sealed.Count == 0 && !InFlight;

    /// <summary>Adds an event, first sealing the open batch if the event would break a batch rule.</summary>
    public void Add(BatchEvent logEvent, long now, Func<long> nextBatchId)
    {
        if (!_rules.Fits(_open.Count, _openBytes, _min, _max, logEvent))
        {
            Seal(nextBatchId());
        }

        if (_open.Count == 0)
        {
            OpenedAt = now;
            _min = _max = logEvent.Timestamp;
        }
        else
        {
            if (logEvent.Timestamp < _min)
            {
                _min = logEvent.Timestamp;
            }

            if (logEvent.Timestamp > _max)
            {
                _max = logEvent.Timestamp;
            }
        }

        _open.Add(logEvent);
        _openBytes += logEvent.Size;
        LastActive = now;

        if (_open.Count == _rules.MaxCount || _openBytes == _rules.MaxBytes)
        {
            Seal(nextBatchId());
        }
    }

    /// <summary>Seals the open batch, if it has events, sorting them by timestamp and keeping arrival order for equal ones.</summary>
    public void Seal(long batchId)
    {
        if (_open.Count == 0)
        {
            return;
        }

        _open.Sort(static (a, b) =>
        {
            int byTime = a.Timestamp.UtcTicks.CompareTo(b.Timestamp.UtcTicks);
            return byTime != 0 ? byTime : a.Sequence.CompareTo(b.Sequence);
        });
        var events = new InputLogEvent[_open.Count];
        for (int i = 0; i < events.Length; i++)
        {
            events[i] = new InputLogEvent(_open[i].Timestamp, _open[i].Message);
        }

        Sealed.AddLast(new Batch(batchId, Name, events, _openBytes));
        _open.Clear();
        _openBytes = 0;
    }
}

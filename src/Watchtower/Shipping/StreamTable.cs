namespace Watchtower.Shipping;

/// <summary>
/// The streams the sender is writing batches for, and the decisions about them: when an open batch is due to be sealed,
/// which stream is served next (round robin, so that a stream with a deep backlog cannot hold every request slot while
/// a quiet stream's deadline passes; a stream in backoff gives up its turn), and which streams are idle enough to be
/// forgotten. Touched only by the sender loop.
/// </summary>
internal sealed class StreamTable
{
    // A stream with nothing to do for this long is forgotten; it costs nothing to remember it again.
    private static readonly TimeSpan s_idleLifetime = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, StreamBuffer> _streams = new(StringComparer.Ordinal);
    private readonly List<StreamBuffer> _ready = [];
    private readonly BatchRules _rules;
    private readonly string _logGroupName;
    private readonly SenderMemory _memory;
    private readonly TimeProvider _clock;
    private long _dispatches;
    private long _lastIdleSweep;

    public StreamTable(BatchRules rules, string logGroupName, SenderMemory memory, TimeProvider clock)
    {
        _rules = rules;
        _logGroupName = logGroupName;
        _memory = memory;
        _clock = clock;
    }

    public int Count => _streams.Count;

    /// <summary>The handler's log group.</summary>
    public string LogGroupName => _logGroupName;

    public IEnumerable<StreamBuffer> All => _streams.Values;

    /// <summary>Whether any stream has a sealed batch waiting.</summary>
    public bool AnySealed => _streams.Values.Any(s => s.Sealed.Count > 0);

    /// <summary>Whether every stream has nothing open, sealed or in flight.</summary>
    public bool AllIdle => _streams.Values.All(s => s.IsIdle);

    /// <summary>The stream of that name in the handler's group, made when first needed.</summary>
    public StreamBuffer For(string name)
    {
        if (!_streams.TryGetValue(name, out StreamBuffer? stream))
        {
            stream = new StreamBuffer(name, _rules, _logGroupName, _memory);
            _streams.Add(name, stream);
        }

        return stream;
    }

    /// <summary>
    /// The stream of that name in <paramref name="logGroupName"/>: the handler's group, or another one an earlier
    /// process's buffered events were meant for (keyed "group:stream", which no stream name of the handler's group can
    /// be, since stream names cannot hold ':').
    /// </summary>
    public StreamBuffer For(string logGroupName, string name)
    {
        if (logGroupName == _logGroupName)
        {
            return For(name);
        }

        string key = KeyOf(logGroupName, name);
        if (!_streams.TryGetValue(key, out StreamBuffer? stream))
        {
            stream = new StreamBuffer(name, _rules, logGroupName, _memory);
            _streams.Add(key, stream);
        }

        return stream;
    }

    /// <summary>
    /// Seals every open batch whose first event arrived <paramref name="sendInterval"/> ago or more, or all of them when
    /// <paramref name="sealAll"/> (a flush, shutdown, or a sender that would otherwise wait forever); tells
    /// <paramref name="wake"/> when the next one falls due.
    /// </summary>
    public void SealDue(long now, TimeSpan sendInterval, bool sealAll, Func<long> nextBatchId, ref NextWake wake)
    {
        foreach (StreamBuffer stream in _streams.Values)
        {
            if (stream.OpenCount == 0)
            {
                continue;
            }

            TimeSpan waited = _clock.GetElapsedTime(stream.OpenedAt, now);
            if (sealAll || waited >= sendInterval)
            {
                stream.Seal(nextBatchId());
            }
            else
            {
                wake.In(sendInterval - waited);
            }
        }
    }

    /// <summary>
    /// The streams that may send now, the one served longest ago first (ties by the age of their batches): those with a
    /// sealed batch, no request in flight and no backoff to wait out; tells <paramref name="wake"/> when a backoff ends.
    /// </summary>
    public IReadOnlyList<StreamBuffer> Ready(long now, ref NextWake wake)
    {
        _ready.Clear();
        foreach (StreamBuffer stream in _streams.Values)
        {
            if (stream.InFlight || stream.Sealed.Count == 0)
            {
                continue;
            }

            if (stream.RetryAt > now)
            {
                wake.In(_clock.GetElapsedTime(now, stream.RetryAt));
            }
            else
            {
                _ready.Add(stream);
            }
        }

        _ready.Sort(static (a, b) =>
        {
            int byTurn = a.LastDispatched.CompareTo(b.LastDispatched);
            return byTurn != 0 ? byTurn : a.Sealed.First!.Value.Id.CompareTo(b.Sealed.First!.Value.Id);
        });
        return _ready;
    }

    /// <summary>Takes a ready stream's oldest batch for a request: the stream has it in flight, and its turn is taken.</summary>
    public Batch TakeForRequest(StreamBuffer stream)
    {
        Batch batch = stream.Sealed.First!.Value;
        stream.Sealed.RemoveFirst();
        stream.LastDispatched = ++_dispatches;
        stream.InFlight = true;
        return batch;
    }

    /// <summary>Puts a batch back at the front of its stream, not to be sent before <paramref name="retryAt"/> (a TimeProvider timestamp).</summary>
    public static void Requeue(StreamBuffer stream, Batch batch, long retryAt)
    {
        stream.Sealed.AddFirst(batch);
        stream.RetryAt = retryAt;
    }

    /// <summary>
    /// Forgets streams with nothing to do: once a minute, those idle for five minutes; at the sender's bound, every idle
    /// one at once (at most once a second), since their memory counts against it.
    /// </summary>
    public void ForgetIdle(long now, bool atBound)
    {
        if (_clock.GetElapsedTime(_lastIdleSweep, now) < (atBound ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1)))
        {
            return;
        }

        _lastIdleSweep = now;
        TimeSpan lifetime = atBound ? TimeSpan.Zero : s_idleLifetime;
        foreach (StreamBuffer stream in _streams.Values.Where(s => s.IsIdle && _clock.GetElapsedTime(s.LastActive, now) >= lifetime).ToList())
        {
            _streams.Remove(stream.LogGroupName == _logGroupName ? stream.Name : KeyOf(stream.LogGroupName, stream.Name));
            stream.Forget();
        }
    }

    /// <summary>The key of a stream of another group than the handler's (the handler's own are keyed by name alone).</summary>
    private static string KeyOf(string logGroupName, string name) => logGroupName + ":" + name;
}

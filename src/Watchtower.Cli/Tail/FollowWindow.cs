namespace Watchtower.Cli.Tail;

/// <summary>
/// What <c>tail --follow</c> asks for next, and what it has shown: the decisions that make it neither miss a late event
/// nor print one twice.
/// </summary>
/// <remarks>
/// <para>
/// Every other follow (aws logs tail, saw, cw) asks next for events newer than the newest it has seen. A batching
/// shipper delivers an event stamped 30 s ago after newer ones from another stream were shown, and those followers
/// never see it. This window asks again from <see cref="Lag"/> before the newest seen, so an event stamped up to the
/// lag before the newest is still asked for when it arrives; the same events come back on every poll, and an event-id
/// set prints each once.
/// </para>
/// <para>
/// Clock skew: each stream's newest event is kept apart, and the window starts a lag before the oldest of the streams'
/// newest (and never after now less the lag), so a stream whose clock runs behind the others' is not skipped because
/// another's runs ahead. A stream that has delivered nothing for <see cref="ActiveFor"/> stops holding the window back.
/// </para>
/// <para>
/// Bounded by time, not count: the start only moves forward, and no poll asks for events before it, so the ids of
/// events older than the start can never be needed again and are forgotten. The set holds one lag's worth of events,
/// however long the follow runs.
/// </para>
/// </remarks>
internal sealed class FollowWindow
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Group, string Stream), StreamMark> _streams = [];

    public FollowWindow(DateTimeOffset since, TimeSpan lag, TimeSpan activeFor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lag, TimeSpan.Zero);
        Start = since;
        Lag = lag;
        ActiveFor = activeFor;
    }

    /// <summary>The start of the next poll (inclusive). Only moves forward.</summary>
    public DateTimeOffset Start { get; private set; }

    /// <summary>How late (behind the newest event) an event may arrive and still be shown.</summary>
    public TimeSpan Lag { get; }

    /// <summary>How long a stream that delivers nothing keeps holding the window's start back.</summary>
    public TimeSpan ActiveFor { get; }

    /// <summary>How many event ids are remembered now.</summary>
    public int Remembered => _seen.Count;

    /// <summary>Takes a poll's events; returns those not shown before, in the order given.</summary>
    public List<TailEvent> Admit(IReadOnlyList<TailEvent> events, DateTimeOffset now)
    {
        var fresh = new List<TailEvent>();
        foreach (TailEvent e in events)
        {
            if (e.Timestamp < Start || !_seen.TryAdd(e.Key, e.Timestamp))
            {
                continue; // before the window (its id may be forgotten already) or shown before
            }

            fresh.Add(e);
            var stream = (e.Group, e.Stream);
            _streams[stream] = _streams.TryGetValue(stream, out StreamMark mark)
                ? new StreamMark(mark.Newest > e.Timestamp ? mark.Newest : e.Timestamp, now)
                : new StreamMark(e.Timestamp, now);
        }

        Advance(now);
        return fresh;
    }

    private void Advance(DateTimeOffset now)
    {
        DateTimeOffset candidate = now - Lag;
        foreach (KeyValuePair<(string Group, string Stream), StreamMark> stream in _streams.ToList())
        {
            if (now - stream.Value.LastArrival > ActiveFor)
            {
                _streams.Remove(stream.Key);
            }
            else if (stream.Value.Newest - Lag < candidate)
            {
                candidate = stream.Value.Newest - Lag;
            }
        }

        if (candidate <= Start)
        {
            return;
        }

        Start = candidate;
        foreach (KeyValuePair<string, DateTimeOffset> seen in _seen.Where(s => s.Value < candidate).ToList())
        {
            _seen.Remove(seen.Key);
        }
    }

    private readonly record struct StreamMark(DateTimeOffset Newest, DateTimeOffset LastArrival);
}

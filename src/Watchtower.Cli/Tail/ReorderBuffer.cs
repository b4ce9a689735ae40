namespace Watchtower.Cli.Tail;

/// <summary>
/// Holds the newest events of a follow for a moment, so that one from another stream that arrives a poll later but
/// happened a little earlier is printed before them: an event is released once the clock is <see cref="Hold"/> past
/// its timestamp, or once it has waited twice that (a stream whose clock runs ahead is not held back for long).
/// Released events come out in time order.
/// </summary>
internal sealed class ReorderBuffer
{
    private readonly List<(TailEvent Event, DateTimeOffset Arrived)> _held = [];

    public ReorderBuffer(TimeSpan hold)
    {
        Hold = hold;
    }

    public TimeSpan Hold { get; }

    public void Add(IEnumerable<TailEvent> events, DateTimeOffset now)
    {
        foreach (TailEvent e in events)
        {
            _held.Add((e, now));
        }
    }

    public List<TailEvent> Release(DateTimeOffset now)
    {
        var released = new List<TailEvent>();
        _held.RemoveAll(held =>
        {
            bool due = held.Event.Timestamp <= now - Hold || held.Arrived <= now - (2 * Hold);
            if (due)
            {
                released.Add(held.Event);
            }

            return due;
        });
        released.Sort(TailEvent.Compare);
        return released;
    }

    public List<TailEvent> ReleaseAll()
    {
        var all = _held.Select(h => h.Event).ToList();
        _held.Clear();
        all.Sort(TailEvent.Compare);
        return all;
    }
}

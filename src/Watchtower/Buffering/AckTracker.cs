using System.Runtime.CompilerServices;

namespace Watchtower.Buffering;

/// <summary>
/// Which events read from the buffer are finished, so that the buffer knows how far it may acknowledge: events finish
/// out of order (each stream's batches on their own), and the acknowledged position is the end of the longest run of
/// finished events from the oldest read. Each event read gets a sequence number, carried in its batch slot; only the
/// sender loop calls this. Its size is what the sender holds at most, since it only tracks what the sender has read
/// and not yet finished.
/// </summary>
internal sealed class AckTracker
{
    private Entry[] _ring = new Entry[256];
    private long _first;
    private long _next;

    public AckTracker(BufferPosition acknowledged)
    {
        Acknowledged = acknowledged;
    }

    /// <summary>Everything before this position is finished with.</summary>
    public BufferPosition Acknowledged { get; private set; }

    /// <summary>Events read and not yet finished.</summary>
    public long OutstandingEvents { get; private set; }

    /// <summary>An event read from the buffer, ending at <paramref name="end"/>; returns its sequence number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Read(BufferPosition end)
    {
        OutstandingEvents++;
        return Add(end, finished: false);
    }

    /// <summary>
    /// A place the reader passed without an event to finish (the end of a segment, past a damaged record): it is
    /// acknowledged as soon as everything read before it is.
    /// </summary>
    public void Passed(BufferPosition end)
    {
        if (_next == _first)
        {
            Acknowledged = Max(Acknowledged, end);
            return;
        }

        Add(end, finished: true);
    }

    /// <summary>The event of <paramref name="sequence"/> is delivered, or counted as dropped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Finish(long sequence)
    {
        if (sequence < _first || sequence >= _next || _ring[sequence & (_ring.Length - 1)].Finished)
        {
            return;
        }

        _ring[sequence & (_ring.Length - 1)].Finished = true;
        OutstandingEvents--;
        while (_first < _next && _ring[_first & (_ring.Length - 1)] is { Finished: true } done)
        {
            Acknowledged = Max(Acknowledged, done.End);
            _first++;
        }
    }

    private long Add(BufferPosition end, bool finished)
    {
        if (_next - _first == _ring.Length)
        {
            Grow();
        }

        long sequence = _next++;
        _ring[sequence & (_ring.Length - 1)] = new Entry { End = end, Finished = finished };
        return sequence;
    }

    private void Grow()
    {
        var larger = new Entry[_ring.Length * 2];
        for (long s = _first; s < _next; s++)
        {
            larger[s & (larger.Length - 1)] = _ring[s & (_ring.Length - 1)];
        }

        _ring = larger;
    }

    private static BufferPosition Max(BufferPosition a, BufferPosition b) => a >= b ? a : b;

    private struct Entry
    {
        public BufferPosition End;
        public bool Finished;
    }
}

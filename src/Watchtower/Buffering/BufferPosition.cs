namespace Watchtower.Buffering;

/// <summary>A place in the buffer: a segment and a byte offset in it, ordered as the segments are read.</summary>
/// <param name="Segment">The segment's number.</param>
/// <param name="Offset">The offset in it: a record's start, or the end of the last record before it.</param>
internal readonly record struct BufferPosition(long Segment, long Offset) : IComparable<BufferPosition>
{
    public static BufferPosition Start => new(0, 0);

    public int CompareTo(BufferPosition other) => Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public static bool operator <(BufferPosition a, BufferPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(BufferPosition a, BufferPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(BufferPosition a, BufferPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(BufferPosition a, BufferPosition b) => a.CompareTo(b) >= 0;
}

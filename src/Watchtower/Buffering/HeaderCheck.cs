namespace Watchtower.Buffering;

/// <summary>What the start of a file in the buffer directory is.</summary>
internal enum HeaderCheck
{
    /// <summary>A segment this version reads.</summary>
    Valid,

    /// <summary>Shorter than its header: created by a process that died before writing it whole.</summary>
    Torn,

    /// <summary>Named as a segment, but its header is damaged.</summary>
    Corrupt,

    /// <summary>Not a segment at all (another magic).</summary>
    NotASegment,

    /// <summary>A segment of a newer format: left in place for the version that wrote it.</summary>
    NewerVersion,
}

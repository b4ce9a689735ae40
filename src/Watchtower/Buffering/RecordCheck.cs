namespace Watchtower.Buffering;

/// <summary>What starts at an offset of a segment.</summary>
internal enum RecordCheck
{
    /// <summary>A whole record whose checksum matches.</summary>
    Valid,

    /// <summary>The data ends before the record would: read more, or, at the end of the file, a torn write.</summary>
    Incomplete,

    /// <summary>No valid record starts here.</summary>
    Corrupt,
}

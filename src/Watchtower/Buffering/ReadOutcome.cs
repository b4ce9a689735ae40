namespace Watchtower.Buffering;

/// <summary>What <see cref="SegmentReader.Next"/> found.</summary>
internal enum ReadOutcome
{
    /// <summary>A valid record.</summary>
    Record,

    /// <summary>Damaged bytes, passed over.</summary>
    Skipped,

    /// <summary>No more records in the segment, for now.</summary>
    End,
}
